"""Quote units that need to see past their own chunk (session 15): the chunker records what a
chunk's first block follows (a paragraph commenting on the code block that ends the chunk
before), where a list that reaches the chunk's end really ends, and the display shows each
item of a multi-item quote on its own line where the text has no item markers (HTML). Real
parser, chunker, quote units and display; end to end with the real engine, model and Chroma."""

from __future__ import annotations

from pathlib import Path

from retrieval.embedder import Embedder
from tests.conftest import indexed_engine
from tests.test_announce_quotes import _windows

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
    ws = _windows(tmp_path, "deploy.md", SYSTEMD_PAGE, embedder)
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
