import pytest

from core.markdown import render_markdown


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>hello",
        '<iframe src="https://evil.example"></iframe>hello',
        '<img src=x onerror="alert(1)">hello',
        "[click](javascript:alert(1)) hello",
        '<a href="javascript:alert(1)">x</a> hello',
        '<p onclick="alert(1)" style="color:red">hello</p>',
        "<svg><script>alert(1)</script></svg>hello",
    ],
)
def test_dangerous_markup_is_stripped(source):
    html = str(render_markdown(source))
    lowered = html.lower()
    for needle in ("<script", "<iframe", "onerror", "onclick", "javascript:", "style=", "<svg", "<img"):
        assert needle not in lowered, html
    assert "hello" in html


def test_markdown_renders_with_headings_below_the_page_title():
    html = str(render_markdown("# Aims\n\nSome **bold** text and a [link](https://example.org)."))
    assert html == (
        "<h2>Aims</h2>\n<p>Some <strong>bold</strong> text and a "
        '<a href="https://example.org" rel="noopener noreferrer nofollow">link</a>.</p>'
    )
