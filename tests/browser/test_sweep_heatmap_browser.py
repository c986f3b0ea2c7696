"""The sweep heatmap as Chromium draws it: the best cell and the cells tied with it are written
in the cells, and a clicked cell, and only it, gets a visible white outline."""
import pandas as pd
from playwright.sync_api import Page

from ui.plots.sweep import SELECTED_GLYPH, heatmap_figure

# λ 1e-3 / 1e-2 × p 0 / 0.5: means 1.1 (best), 1.2 (tied with it), 2.1 and 1.5 (one seed)
VALUES = {(1e-3, 0.0): [1.0, 1.2], (1e-3, 0.5): [1.1, 1.3], (1e-2, 0.0): [2.0, 2.2],
          (1e-2, 0.5): [1.5]}
# the fill and opacity of each cell's outline glyph (the text of the clickable marks)
GLYPHS = """() => [...document.querySelectorAll('#chart .scatterlayer .trace')[0]
    .querySelectorAll('text')].map(t => {
        const style = getComputedStyle(t);
        const opacity = parseFloat(style.fillOpacity) * parseFloat(style.opacity);
        return [t.textContent, style.fill, opacity];
    })"""


def draw_heatmap(page: Page) -> None:
    results = pd.DataFrame([{"point": point, "penalty_strength": strength, "dropout": rate,
                             "seed": seed, "final_val_loss": value}
                            for point, ((strength, rate), seeds) in enumerate(VALUES.items())
                            for seed, value in enumerate(seeds)])
    figure = heatmap_figure(results, "penalty_strength", "dropout", "final_val_loss")
    page.set_content(figure.to_html(include_plotlyjs=True, full_html=True, div_id="chart"))
    page.locator("#chart .heatmaplayer").wait_for()


def test_the_best_and_the_tied_cells_are_written_in_the_heatmap(page: Page):
    draw_heatmap(page)
    texts = page.locator("#chart .heatmaplayer text").all_text_contents()
    assert any("best" in text for text in texts) and any("≈" in text for text in texts)


def test_a_clicked_cell_and_only_it_gets_a_white_outline(page: Page):
    draw_heatmap(page)
    assert [opacity for _, _, opacity in page.evaluate(GLYPHS)] == [0, 0, 0, 0]
    cells = page.locator("#chart .heatmaplayer").bounding_box()
    # the cell λ = 0.01, p = 0 (the third mark): right column, bottom row
    page.mouse.click(cells["x"] + cells["width"] * 0.75, cells["y"] + cells["height"] * 0.75)
    page.mouse.move(0, 0)
    glyphs = page.evaluate(GLYPHS)
    assert glyphs[2] == [SELECTED_GLYPH, "rgb(255, 255, 255)", 1]
    assert [opacity for i, (_, _, opacity) in enumerate(glyphs) if i != 2] == [0, 0, 0]
