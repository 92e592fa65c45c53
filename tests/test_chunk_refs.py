"""Quote units that need to see past their own chunk (session 15): the chunker records what a
chunk's first block follows (a paragraph commenting on the code block that ends the chunk
before), where a list that reaches the chunk's end really ends, and the display shows each
item of a multi-item quote on its own line where the text has no item markers (HTML). Real
parser, chunker, quote units and display; end to end with the real engine, model and Chroma."""

from __future__ import annotations

from pathlib import Path

from retrieval.embedder import Embedder
from retrieval.quotedisplay import display_parts
from tests.conftest import indexed_engine
from tests.test_announce_quotes import _quoted
from tests.test_docs_quoting import file_windows, window_citation

# gunicorn 27's docs/content/deploy.md, its systemd section as written: the service unit fills
# the section's first chunk, so the next one opens on the paragraph about that unit
SYSTEMD_PAGE = """# Deploying Gunicorn

## Monitoring

### systemd

[systemd](https://www.freedesktop.org/wiki/Software/systemd/) can create a UNIX
socket and launch Gunicorn on demand.

Service file:

```ini
# /etc/systemd/system/gunicorn.service

[Unit]
Description=gunicorn daemon
Requires=gunicorn.socket
After=network.target

[Service]
Type=notify
NotifyAccess=main
User=someuser
Group=someuser
WorkingDirectory=/home/someuser/applicationroot
ExecStart=/usr/bin/gunicorn applicationname.wsgi
ExecReload=/bin/kill -s HUP $MAINPID
KillMode=mixed
TimeoutStopSec=5
PrivateTmp=true

[Install]
WantedBy=multi-user.target
```

`Type=notify` lets Gunicorn report readiness to systemd. If the service should
run under a transient user consider adding `DynamicUser=true`. Tighten
permissions further with `ProtectSystem=strict` if the app permits.

Socket activation file:

```ini
# /etc/systemd/system/gunicorn.socket

[Unit]
Description=gunicorn socket

[Socket]
ListenStream=/run/gunicorn.sock
SocketUser=www-data
SocketGroup=www-data
SocketMode=0660

[Install]
WantedBy=sockets.target
```

Enable and start the socket so it begins listening immediately and on reboot:

```bash
systemctl enable --now gunicorn.socket
```
"""


def test_a_lead_in_naming_its_code_keeps_to_itself_after_code_in_the_chunk_before(
    tmp_path: Path, embedder: Embedder
) -> None:
    """"Socket activation file:" names its code, and the paragraph before it comments on the
    service unit above. Trial 18 kept such a lead-in to itself, but only when that code was
    in the same chunk: here the chunk opens on the paragraph (the service unit ends the chunk
    before), and the socket unit's quote began "Tighten permissions further…" mid-line. The
    chunker now records what a chunk's first block follows."""
    ws = file_windows(tmp_path, "deploy.md", SYSTEMD_PAGE, embedder)
    # (the case itself: a chunk opens on the paragraph, after the chunk ending on the code)
    opening = [w for w in ws if w.block == 0 and w.text.startswith("`Type=notify`")]
    assert opening, "the chunk boundary moved: the sample no longer tests this"
    socket = [w for w in ws if w.kind == "code" and "ListenStream" in w.text]
    assert socket and all(w.text.startswith("Socket activation file:") for w in socket), [
        w.text[:60] for w in socket]
    # "Example:"-like lead-ins still take the sentence before them (test_trial18_docs)
    enable = [w for w in ws if w.kind == "code" and "systemctl enable" in w.text]
    assert enable and enable[0].text.startswith("Enable and start the socket")


def test_the_socket_unit_is_answered_from_its_own_lead_in(tmp_path: Path) -> None:
    """End to end: "how do I set up socket activation with systemd?" quotes the socket unit
    under its own lead-in, and the quote verifies against the file."""
    engine = indexed_engine(tmp_path, {"deploy.md": SYSTEMD_PAGE})
    answer = engine.ask("how do I set up systemd socket activation for gunicorn?")
    quotes = [q for q in answer.quotes if "ListenStream" in q.text]
    assert quotes, [q.text[:60] for q in answer.quotes]
    assert quotes[0].text.startswith("Socket activation file:")
    assert engine.verify(quotes[0])


# flask 3.1's quickstart.rst, "About Responses": a long paragraph ending "…is as follows:" and
# six numbered items; the chunk ends after the second item
RESPONSES_RST = """Quickstart
==========

About Responses
---------------

The return value from a view function is automatically converted into
a response object for you. If the return value is a string it's
converted into a response object with the string as response body, a
``200 OK`` status code and a :mimetype:`text/html` mimetype. If the
return value is a dict or list, :func:`jsonify` is called to produce a
response. The logic that Flask applies to converting return values into
response objects is as follows:

1.  If a response object of the correct type is returned it's directly
    returned from the view.
2.  If it's a string, a response object is created with that data and
    the default parameters.
3.  If it's an iterator or generator returning strings or bytes, it is
    treated as a streaming response.
4.  If it's a dict or list, a response object is created using
    :func:`~flask.json.jsonify`.
5.  If a tuple is returned the items in the tuple can provide extra
    information. Such tuples have to be in the form
    ``(response, status)``, ``(response, headers)``, or
    ``(response, status, headers)``. The ``status`` value will override
    the status code and ``headers`` can be a list or dictionary of
    additional header values.
6.  If none of that works, Flask will assume the return value is a
    valid WSGI application and convert that into a response object.

If you want to get hold of the resulting response object inside the view
you can use the :func:`~flask.make_response` function.
"""

LEAD = ("The logic that Flask applies to converting return values into\nresponse objects is as "
        "follows:")


def test_a_lead_in_and_list_going_on_in_the_next_chunk_cites_the_whole_list(
    tmp_path: Path, embedder: Embedder
) -> None:
    """"…is as follows:" and its list were one unit "quoted whole" although the list went on
    in the next chunk: the quote ended at item 2 and cited lines up to there, as if that were
    all of it. The chunker records where the list ends; the unit (the same words, an exact
    slice at its own lines) now cites the whole list, and the display says what is left out,
    as for a long code block or announced list."""
    ws = file_windows(tmp_path, "quickstart.rst", RESPONSES_RST, embedder)
    [unit] = [w for w in ws if w.text.startswith(LEAD)]
    assert "If none of that works" not in unit.text, "the list no longer crosses chunks"
    q = _quoted(RESPONSES_RST, unit)
    assert q.text == unit.text and q.text.endswith(".")  # whole items, as the chunk has them
    c = window_citation(q)
    lines = RESPONSES_RST.split("\n")
    assert "\n".join(lines[c.line_start - 1 : c.line_end]).endswith(q.text)  # its own lines
    first = lines.index("1.  If a response object of the correct type is returned it's "
                        "directly") + 1
    last = lines.index("    valid WSGI application and convert that into a response "
                       "object.") + 1
    assert c.line_end < last and c.block_line_end == last and c.cited_line_end == last
    shown = display_parts(c)
    assert shown[0].text.startswith("The logic that Flask applies")
    assert shown[0].text.split("\n")[2].startswith("1.")  # the items as the page numbers them
    assert shown[-1].text == (f"… {last - c.line_end} more lines (the whole list is lines "
                              f"{first}–{last})")


# python 3.11's tutorial/errors.html (Sphinx HTML) as written: an announcing sentence over a
# `<ul>` of four items, and a lead-in ending ':' over an `<ol>` (the text has no markers)
_ROLE = ('<a class="reference internal" href="../reference/compound_stmts.html#{target}"><code '
         'class="xref std std-keyword docutils literal notranslate"><span class="pre">{target}'
         '</span></code></a>')
ERRORS_HTML = """<html><head><title>8. Errors and Exceptions</title></head><body>
<div class="body" role="main">
<section id="handling-exceptions">
<h2>8.3. Handling Exceptions</h2>
<p>The {TRY} statement works as follows.</p>
<ul class="simple">
<li><p>First, the <em>try clause</em> (the statement(s) between the {TRY} and
{EXCEPT} keywords) is executed.</p></li>
<li><p>If no exception occurs, the <em>except clause</em> is skipped and execution of the
{TRY} statement is finished.</p></li>
<li><p>If an exception occurs during execution of the {TRY} clause, the rest of the
clause is skipped.  Then, if its type matches the exception named after the
{EXCEPT} keyword, the <em>except clause</em> is executed, and then execution
continues after the try/except block.</p></li>
<li><p>If an exception occurs which does not match the exception named in the <em>except
clause</em>, it is passed on to outer {TRY} statements; if no handler is
found, it is an <em>unhandled exception</em> and execution stops with a message as
shown above.</p></li>
</ul>
<p>When an exception is raised, the interpreter looks for a handler in this order:</p>
<ol class="arabic simple">
<li><p>the <em>except clauses</em> of the innermost {CODE_TRY} statement;</p></li>
<li><p>the handlers of the enclosing statements, from the inside out;</p></li>
<li><p>the default handler, which prints a traceback.</p></li>
</ol>
</section>
</div></body></html>
""".replace("{TRY}", _ROLE.format(target="try")).replace(
    "{EXCEPT}", _ROLE.format(target="except")).replace(
    "{CODE_TRY}", '<code class="docutils literal notranslate"><span class="pre">try</span></code>')


def test_html_list_items_in_one_quote_are_shown_one_per_line(
    tmp_path: Path, embedder: Embedder
) -> None:
    """HTML's text has no item markers and a prose quote is reflowed, so "The try statement
    works as follows." + its four items showed as one block of text. The parser's item spans
    go with the citation (and an `<ol>` item's number): each item is shown on its own line
    under a bullet or its number. The quote itself stays the exact slice of the loaded text,
    and a quote of one item is shown as before."""
    ws = file_windows(tmp_path, "errors.html", ERRORS_HTML, embedder)
    sentence = next(w for w in ws if w.text == "The try statement works as follows.")
    q = _quoted(_loaded(tmp_path / "errors.html"), sentence)
    assert q.text.startswith("The try statement works as follows.\n\nFirst, the try clause")
    assert q.text.endswith("as\nshown above.")
    shown = display_parts(window_citation(q))
    assert [p.kind for p in shown] == ["text"]
    lines = shown[0].text.replace("`", "").split("\n")  # (inline code: tested elsewhere)
    assert lines[0] == "The try statement works as follows." and lines[1] == ""
    assert [ln[:2] for ln in lines[2:]] == ["• "] * 4, lines
    assert lines[2] == ("• First, the try clause (the statement(s) between the try and "
                        "except keywords) is executed.")
    assert lines[5].startswith("• If an exception occurs which does not match")
    # a lead-in ending ':' over a numbered list: one unit, its items numbered as on the page
    lead = "When an exception is raised, the interpreter looks for a handler in this order:"
    [whole] = [w for w in ws if w.text.startswith(lead) and w.text != lead]
    shown = display_parts(window_citation(whole))
    assert shown[0].text.replace("`", "").split("\n")[1:] == [
        "", "1. the except clauses of the innermost try statement;",
        "2. the handlers of the enclosing statements, from the inside out;",
        "3. the default handler, which prints a traceback."]
    # an item quoted alone: no marker of its own (its lead-in is shown above it, as before)
    item = next(w for w in ws if w.kind == "list_item" and w.text.startswith("If no exception"))
    assert "•" not in "".join(p.text for p in display_parts(window_citation(item)))


def _loaded(path: Path) -> str:
    from retrieval.loaders import load_file

    return load_file(path, path.name, 10_000_000).text
