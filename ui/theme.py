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
