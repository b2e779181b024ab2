# Describe: the two commands the README starts with.
.PHONY: run demo test check pytest pytest-fast bench setup bundle

run:
	scripts/setup.sh
	.venv/bin/describe-app

demo:
	scripts/setup.sh
	.venv/bin/describe-app demo

test:
	scripts/setup.sh test
	$(MAKE) check pytest

check:
	.venv/bin/ruff check describe_app tests benchmarks
	.venv/bin/ruff format --check describe_app tests benchmarks
	.venv/bin/mypy
	.venv/bin/lint-imports
	.venv/bin/actionlint
	.venv/bin/vulture describe_app tests benchmarks scripts/vulture_allowlist.py --min-confidence 60
	.venv/bin/python -m describe_app.devtools.translations check

pytest:
	.venv/bin/python -m pytest

# The edit loop: everything but the tests marked slow (servers, model processes, Orca,
# the window end to end), on two workers. make test and CI run them all, one at a time
# (the slow ones time GUI stalls and speech, which a second worker would disturb).
pytest-fast:
	.venv/bin/python -m pytest -m "not slow" -n 2

bench:
	.venv/bin/python benchmarks/bench_engine.py

bundle:
	scripts/setup.sh
	packaging/build_linux.sh
