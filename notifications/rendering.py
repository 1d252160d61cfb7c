"""Turn a template and a context into a subject, a plain-text body and HTML.

Placeholders are `{name}`; `{{` and `}}` write literal braces. Substitution is
one pass, so a value that itself contains `{other}` (a name someone typed) is
never expanded. In the HTML version the template's Markdown becomes markup
(sanitised by nh3) and every value is inserted as escaped text: nothing a user
typed can become a link, a tag or formatting. A value that is a web address
becomes a link to itself.
"""

import functools
import html
import re
import threading
from dataclasses import dataclass

import markdown
import nh3

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
ANY_BRACE_WORD = re.compile(r"\{([^{}]*)\}")
URL = re.compile(r"^https?://\S+$")

ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "blockquote", "code", "hr"}


@dataclass(frozen=True)
class Rendered:
    subject: str
    body_text: str
    body_html: str


def placeholders_in(text):
    return {m.group(1) for m in PLACEHOLDER.finditer(text) if m.group(1)}


def check_placeholders(text, purpose):
    """Names in braces that the purpose does not allow, sorted; [] if all are known."""
    allowed = purpose.all_placeholders
    used = {m.group(1) for m in ANY_BRACE_WORD.finditer(text.replace("{{", "").replace("}}", ""))}
    return sorted(name for name in used if name not in allowed)


def _substitute(text, values):
    def replace(match):
        name = match.group(1)
        return values[name] if name else match.group(0)[0]

    return PLACEHOLDER.sub(replace, text)


def _one_line(value):
    # A subject is a header: a newline in a value must not start a new one.
    return " ".join(str(value).split())


def _html_value(value):
    text = str(value)
    escaped = html.escape(text)
    if URL.match(text):
        return f'<a href="{escaped}">{escaped}</a>'
    return escaped.replace("\n", "<br>")


def render(*, subject, body, context, purpose, send_html=True):
    """Render a template. `context` must hold every placeholder the texts use."""
    values = {name: "" if value is None else str(value) for name, value in context.items()}
    missing = (placeholders_in(subject) | placeholders_in(body)) - set(values)
    if missing:
        raise KeyError(f"context lacks placeholders {sorted(missing)}")
    rendered_subject = _substitute(subject, {k: _one_line(v) for k, v in values.items()})
    if purpose is not None and purpose.asks_for_action:
        from .registry import ACTION_PREFIX

        if not rendered_subject.lower().startswith(ACTION_PREFIX.lower()):
            rendered_subject = ACTION_PREFIX + rendered_subject
    body_text = _substitute(body, values)
    body_html = render_html(body, values) if send_html else ""
    return Rendered(subject=rendered_subject, body_text=body_text, body_html=body_html)


_local = threading.local()


def _markdown():
    # Building a Markdown instance costs more than converting a short mail: keep one per thread.
    if not hasattr(_local, "md"):
        _local.md = markdown.Markdown(extensions=["sane_lists"])
    return _local.md


TOKEN = re.compile(r"mptvalue(\d+)x")


def render_html(body, values):
    markup, names = _html_skeleton(body)
    # One pass: a value that happens to contain a token is never substituted again.
    return TOKEN.sub(lambda match: _html_value(values[names[int(match.group(1))]]), markup)


@functools.lru_cache(maxsize=512)
def _html_skeleton(body):
    """The template's HTML with an inert token where each placeholder goes, and their names.

    Depends on the template text only, so it is computed once per text, not per
    mail: Markdown and nh3 never see a value, and the escaped values go in after
    sanitising.
    """
    names = []

    def to_token(match):
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        names.append(match.group(1))
        return f"mptvalue{len(names) - 1}x"

    marked = PLACEHOLDER.sub(to_token, body)
    markup = _markdown().reset().convert(html.escape(marked, quote=False))
    markup = nh3.clean(markup, tags=ALLOWED_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"})
    return markup, tuple(names)
