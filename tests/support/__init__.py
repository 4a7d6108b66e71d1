"""What the tests share besides fixtures: the fake Hotjar, generated logs, Hypothesis strategies, and the command
line as a test runs it. Imported by name (`from tests.support.fake_hotjar import FakeHotjar`); fixtures live in
the `conftest.py` of the folder that uses them."""
