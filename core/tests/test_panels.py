import pytest
from django.template import Context, Template
from django.test import RequestFactory

from core import panels


@pytest.fixture
def slot(monkeypatch):
    monkeypatch.setattr(panels, "_registry", panels.defaultdict(list))
    return "test_slot"


def test_panels_render_in_order_and_skip_those_with_nothing_to_show(slot, tmp_path, settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    (tmp_path / "a.html").write_text("A={{ value }};")
    (tmp_path / "b.html").write_text("B={{ value }};")
    panels.register(slot, template="b.html", context=lambda request, thing: {"value": thing * 2}, order=20)
    panels.register(slot, template="a.html", context=lambda request, thing: {"value": thing}, order=10)
    panels.register(slot, template="a.html", context=lambda request, thing: None, order=5)

    request = RequestFactory().get("/")
    html = Template('{% panels "test_slot" thing=3 %}').render(Context({"request": request}))

    assert html == '<div class="mpt-panel">A=3;</div><div class="mpt-panel">B=6;</div>'


def test_a_slot_with_no_panels_renders_nothing(slot):
    assert Template('{% panels "test_slot" %}').render(Context({})) == ""
