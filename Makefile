# Describe: the two commands the README starts with.
.PHONY: run demo test check pytest bench setup bundle

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
	.venv/bin/python -m describe_app.devtools.translations check

pytest:
	.venv/bin/python -m pytest

bench:
	.venv/bin/python benchmarks/bench_engine.py

bundle:
	scripts/setup.sh
	packaging/build_linux.sh
