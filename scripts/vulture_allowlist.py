"""What the dead-code check (vulture, run by ``make check``) must not call dead.

Each name here is used, but in a way vulture cannot see. Add a name only with its reason;
code that is really unused is deleted instead.
"""

# ruff: noqa
# mypy: ignore-errors

_ = object()

# Called by the framework, not by our code.
_.dragEnterEvent  # Qt event handler (describe_app/qt/window_actions.py)
_.do_GET  # http.server handlers in the test and benchmark servers
_.do_HEAD
_.do_POST
_.log_message  # http.server: keeps request logs off the terminal
_.daemon_threads  # socketserver option
_.close_connection  # http.server: end the connection after this answer
protocol_version  # http.server option (HTTP/1.1 for streaming)
_.optionxform  # configparser: keep key case (tests/test_packaging.py)
_._preprocess  # transformers image processor hooks and options read by name
_._get_split_layout  # (core/describe/local/lfm2_vl_pictures.py)
_.do_resize
_.resample
_.do_rescale
_.do_normalize
_.do_pad
_.valid_kwargs
_.model_input_names
_.do_image_splitting  # LFM2-VL's tiling options: read by its stock processor
_.min_tiles
_.max_tiles
_.use_thumbnail
_.tile_size
_.max_pixels_tolerance

# Parameters a protocol or ``__exit__`` must declare.
prop  # cv2.VideoCapture.get/set in the Capture protocol and its fakes
tb  # __exit__(exc_type, exc, tb)

# Set for their effect on a library object.
_.pre_tokenizer  # the tiny test tokenizer (describe_app/devtools/random_smolvlm.py)
_.decoder
_.text_mode  # fpdf2: invisible text over a page picture (core/reading/document_export.py)
_._describe_logits_tap  # read by name by attach_once (benchmarks/bench_confidence.py sets one)

# Data kept on purpose.
architecture  # ModelSpec: the transformers class a registry entry was tested with
picture_taken  # EarconSettings fields, read by name: getattr(earcons, Earcon.X.value)
working

# pytest fixtures, used by naming them as test parameters or autouse.
_no_leftovers
_no_profiles
_english
_english_afterwards
_wide_and_english_afterwards
french_settings  # tests/test_i18n_everywhere.py: the language the command runs in
french_system
english_system
_own_config
fake_screen
_own_history
app_theme
english_after
french
null_sink
dst  # monkeypatched os.replace(src, dst) in tests/test_settings.py
priority  # keyring backend class attribute in tests/memory_keyring.py
pytestmark  # pytest reads it: marks a whole test module (slow)
_.focus_key  # ScreenSettings field, read by name (settings page, window_screen)
own_history  # a fixture used by name (pytest.mark.usefixtures) in the codes tests
set_input_embeddings  # FusedLlamaModel: transformers calls it on a model's text model
no_repeat_ngram_size  # a GenerationConfig field, set in tests/test_fused_llama.py
pieces_describer  # a fixture used by name in tests/test_qa_live_pass1.py
in_french  # a fixture used by name (pytest.mark.usefixtures) in tests/test_qa_live_pass1.py
_plurals_for_the_catalog  # cli/argparse_words.py: never called; the catalog tool reads it
pytest_unconfigure  # tests/conftest.py: a hook pytest calls by name
