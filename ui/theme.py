"""Colors and names shared by every page: one color per run, everywhere."""

RUN_NAMES = ("A", "B", "C", "D")
RUN_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")  # blue, red, green, purple
CLASS_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                "#7f7f7f", "#bcbd22", "#17becf")
FIGURE_HEIGHT = 360  # px; fixed so nothing jumps while charts update


def run_color(index: int, name: str | None = None) -> str:
    """The color of the run at position `index` (0 = first) named `name`. A lab run keeps the
    color of its name wherever it stands (B is red even as the first run); any other run takes
    the color of its position, cycling past the fourth."""
    if name in RUN_NAMES:
        index = RUN_NAMES.index(name)
    return RUN_COLORS[index % len(RUN_COLORS)]


def steady_charts_css(container_key: str) -> str:
    """A <style> that keeps everything inside st.container(key=container_key) fully drawn
    while the script reruns. Streamlit fades the elements of a rerunning script ("stale")
    to a third of their opacity after a moment; live charts are redrawn by the very next
    tick, so the fade only made them flash pale while training and when it ended."""
    return (f"<style>.st-key-{container_key} [data-stale='true'] "
            "{opacity: 1 !important; transition: none !important;}</style>")


def wrapping_labels_css(container_key: str) -> str:
    """A <style> under which the toggle and checkbox labels inside
    st.container(key=container_key) wrap onto a second line in a narrow grid column instead
    of being cut to "Stop…" (Streamlit shortens them with an ellipsis)."""
    labels = f".st-key-{container_key} [data-testid='stCheckbox'] .stMarkdownEllipsis"
    return (f"<style>{labels}, {labels} * {{white-space: normal; overflow: visible; "
            "text-overflow: clip;}</style>")


PRESENTER_FONT_SIZE = 19  # px, every chart text in presenter mode (charts default to 15)


def live_bar_css(bar_key: str) -> str:
    """The sticky bar of the live comparison (st.container(key=bar_key)) compact: low buttons
    with whole labels on one line, so the first chart fits a 1280×720 screen under the bar
    (each run's progress is compact already: ui.progress)."""
    bar = f".st-key-{bar_key}"
    return f"""<style>
[data-testid='stLayoutWrapper']:has(> {bar}) {{padding-bottom: 0.35rem;}}
{bar} {{gap: 0.3rem;}}
{bar} button {{min-height: 2.2rem; padding: 0.15rem 0.4rem;}}
{bar} button p {{white-space: nowrap;}}
{bar} [data-testid='stCaptionContainer'] p {{white-space: normal;}}
</style>"""


PRESENTER_CSS = ("<style>[data-testid='stMainBlockContainer'] h1 "
                 "{font-size: 2rem; padding: 1rem 0 0;}</style>")  # a smaller title
