"""Colors and names shared by every page: one color per run, everywhere."""

RUN_NAMES = ("A", "B", "C", "D")
RUN_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")  # blue, red, green, purple
CLASS_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                "#7f7f7f", "#bcbd22", "#17becf")
FIGURE_HEIGHT = 360  # px; fixed so nothing jumps while charts update


def run_color(index: int) -> str:
    """The color of run `index` (0 = A), cycling past D."""
    return RUN_COLORS[index % len(RUN_COLORS)]


PRESENTER_FONT_SIZE = 19  # px, every chart text in presenter mode (charts default to 15)


def presenter_css(bar_key: str) -> str:
    """Presenter mode's style: a smaller title, and the sticky bar of the live comparison
    (st.container(key=bar_key)) compact — buttons on one line with whole labels, each run's
    state and progress in small text close together — so the first chart fits a 1280×720
    screen under it."""
    bar = f".st-key-{bar_key}"
    return f"""<style>
[data-testid='stMainBlockContainer'] h1 {{font-size: 2rem; padding: 1rem 0 0;}}
[data-testid='stLayoutWrapper']:has(> {bar}) {{padding-bottom: 0.35rem;}}
{bar} {{gap: 0.3rem;}}
{bar} button {{min-height: 2.2rem; padding: 0.15rem 0.4rem;}}
{bar} [data-testid='stHorizontalBlock'] {{flex-wrap: nowrap;}}
{bar} button p {{white-space: nowrap;}}
{bar} [data-testid='stColumn'] > [data-testid='stVerticalBlock'] {{gap: 0;}}
{bar} [data-testid='stColumn'] p {{white-space: nowrap; margin: 0; line-height: 1.3;
  font-size: 0.9rem;}}
{bar} [data-testid='stColumn'] [data-testid='stMarkdownContainer'] {{margin-bottom: 0;}}
{bar} [data-testid='stCaptionContainer'] p {{white-space: normal;}}
{bar} [data-testid='stProgress'] {{gap: 0.1rem;}}
</style>"""
