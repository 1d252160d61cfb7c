import pytest

from notifications.registry import get_purpose
from notifications.rendering import check_placeholders, render
from notifications.tests.factories import TEST_ACK, TEST_PURPOSE


@pytest.fixture
def ack():
    return get_purpose(TEST_ACK)


def test_unknown_and_malformed_placeholders_are_reported(ack):
    assert check_placeholders("Hello {name} from {site_name}", ack) == []
    assert check_placeholders("Hello {nmae} and { name } and {}", ack) == ["", " name ", "nmae"]


def test_doubled_braces_are_literal(ack):
    assert check_placeholders("Use {{name}} literally", ack) == []
    rendered = render(subject="S", body="{{name}} is {name}", context={"name": "Sam"}, purpose=ack)
    assert rendered.body_text == "{name} is Sam"


def test_a_value_is_never_expanded_again(ack):
    rendered = render(
        subject="For {name}", body="Hi {name}", context={"name": "{site_name}", "site_name": "MPT"}, purpose=ack
    )
    assert rendered.body_text == "Hi {site_name}"


def test_user_text_is_escaped_in_html_and_cannot_format_or_link(ack):
    name = "<script>alert(1)</script> [click](https://evil.example) **bold**"
    rendered = render(subject="S", body="Hello {name}", context={"name": name}, purpose=ack)
    assert rendered.body_html == (
        "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; [click](https://evil.example) **bold**</p>"
    )
    assert rendered.body_text == f"Hello {name}"


def test_staff_markdown_formats_and_url_values_become_links(ack):
    rendered = render(
        subject="S", body="**Open** {link}", context={"link": "https://mpt.example/x?a=1&b=2"}, purpose=ack
    )
    assert rendered.body_html == (
        '<p><strong>Open</strong> <a href="https://mpt.example/x?a=1&amp;b=2">https://mpt.example/x?a=1&amp;b=2</a></p>'
    )


def test_staff_raw_html_is_shown_as_text_not_markup(ack):
    rendered = render(subject="S", body='<img src=x onerror="alert(1)">', context={}, purpose=ack)
    assert "<img" not in rendered.body_html


def test_newline_in_a_value_cannot_break_the_subject(ack):
    rendered = render(subject="For {name}", body="", context={"name": "Sam\r\nBcc: x@evil"}, purpose=ack)
    assert rendered.subject == "For Sam Bcc: x@evil"


def test_action_prefix_is_added_once():
    decision = get_purpose(TEST_PURPOSE)
    assert render(subject="Your offer", body="", context={}, purpose=decision).subject == "Action needed: Your offer"
    assert (
        render(subject="Action needed: reply", body="", context={}, purpose=decision).subject == "Action needed: reply"
    )


def test_the_html_of_one_template_is_built_once_and_each_mail_gets_its_own_values(ack):
    from notifications.rendering import _html_skeleton

    _html_skeleton.cache_clear()
    body = "Hello **{name}**, about {programme}: {name}"
    first = render(subject="S", body=body, context={"name": "Sam", "programme": "MPT"}, purpose=ack)
    second = render(subject="S", body=body, context={"name": "Noor", "programme": "<b>X</b>"}, purpose=ack)
    assert first.body_html == "<p>Hello <strong>Sam</strong>, about MPT: Sam</p>"
    assert second.body_html == "<p>Hello <strong>Noor</strong>, about &lt;b&gt;X&lt;/b&gt;: Noor</p>"
    assert _html_skeleton.cache_info().misses == 1


def test_a_value_that_looks_like_a_token_stays_as_typed(ack):
    rendered = render(
        subject="S", body="{name} and {programme}", context={"name": "mptvalue1x", "programme": "MPT"}, purpose=ack
    )
    assert rendered.body_html == "<p>mptvalue1x and MPT</p>"
