"""The experiments behind the lesson pages: presets, measurements and the sentences of each
page's "what to notice" box, computed from the numbers of a run (never canned)."""
