"""Helpers for the AppTest tests of the lesson pages: open a page, train its live comparison,
read its "what to notice" sentences."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

from regcore import Config
from ui.keys import live_key

PAGES = Path(__file__).resolve().parents[1] / "app_pages"


def open_page(name: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / name), default_timeout=120).run()
    assert not at.exception
    return at


def train(at: AppTest, key: str, epochs: int) -> list:
    """Advance the live comparison `key` by `epochs` epochs (Step, asked for `epochs` at once)
    and return its runs."""
    at.session_state[live_key(key)].steps_requested = epochs - 1
    at.button(key=live_key(key, "step")).click().run()
    assert not at.exception
    return at.session_state[live_key(key)].runs


def shown_sentences(at: AppTest) -> str:
    """Every bullet of every notice box on the page, as one text."""
    return "\n".join(m.value for m in at.markdown if m.value.startswith("- "))


def bullets(sentences) -> str:
    return "\n".join(f"- {sentence}" for sentence in sentences)


# A small wide data set: the lesson figures are checked on runs of a few epochs on it.
TINY = Config(dataset="noisy_features", n_samples=60, n_features=6, n_informative=2,
              hidden=(4,), epochs=3)
