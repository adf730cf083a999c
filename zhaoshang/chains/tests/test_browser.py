"""From the chain map to a registered lead in a real browser: the office's clerk opens
the 生物医药 chain, clicks the 医疗器械 link on the ECharts map, reads its gap and
targets with their reasons, and registers a lead on one (产业链招商, the chain and link
recorded). Screenshots go to ZS_SCREENSHOTS when it is set."""

import os

import pytest

from zhaoshang.chains.models import ChainLead
from zhaoshang.conftest import HOME, login, submit
from zhaoshang.pipeline.models import Method

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_district")]


def _shot(page, name):
    if folder := os.environ.get("ZS_SCREENSHOTS"):
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


# Where ECharts laid out the node whose label starts with ``name``, in page pixels.
NODE_AT = """(name) => {
  const el = document.getElementById("chain-map");
  const chart = echarts.getInstanceByDom(el);
  const data = chart.getModel().getSeriesByIndex(0).getData();
  for (let i = 0; i < data.count(); i++) {
    if (data.getName(i).startsWith(name)) {
      const at = data.getItemGraphicEl(i).transformCoordToGlobal(0, 0);
      const box = el.getBoundingClientRect();
      return {x: box.left + at[0], y: box.top + at[1]};
    }
  }
  return null;
}"""


def test_from_the_chain_map_to_a_registered_lead(page):
    login(page, "zhaoshangban")
    page.wait_for_url(HOME)
    page.goto("/chains/")
    _shot(page, "chain-list")
    with page.expect_navigation():
        page.click("#chains a:text('生物医药')")
    page.wait_for_selector("#chain-map[data-ready='1']")
    _shot(page, "chain-map")

    at = page.evaluate(NODE_AT, "医疗器械")
    assert at is not None
    page.mouse.click(at["x"], at["y"])
    panel = page.locator("#link-panel .card-header", has_text="医疗器械")
    panel.wait_for()
    targets = page.locator("#link-panel table[id^=targets] tbody tr")
    row = targets.filter(has_text="三一重工股份有限公司")
    # The reasons say why: the class matches the link, the ranking, listed.
    assert "行业相符：35 专用设备制造业" in row.inner_text()
    assert "中国民营500强" in row.inner_text()
    assert "上市公司" in row.inner_text()
    _shot(page, "link-panel")

    submit(page, "#link-panel tr:has-text('三一重工股份有限公司') button:text('登记线索')")
    assert "已登记线索" in page.content()
    assert "/pipeline/leads/" in page.url
    _shot(page, "lead-registered")
    origin = ChainLead.objects.select_related("project", "link__chain").get(
        project__enterprise__name="三一重工股份有限公司"
    )
    assert (origin.link.chain.name, origin.link.name) == ("生物医药", "医疗器械")
    assert origin.project.method == Method.CHAIN
    assert origin.project.department.name == "区招商办"
    assert any("专用设备制造业" in text for text, _ in origin.reasons)
