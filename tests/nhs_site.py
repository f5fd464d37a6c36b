"""A stand-in for NHS England's publication pages, served on 127.0.0.1 (no test touches the internet).

It follows the real site's structure (digital.nhs.uk): an index page for "Appointments in General Practice"
linking one page per monthly edition (`.../appointments-in-general-practice/october-2025`), each edition page
linking its files at opaque addresses (`files.digital.nhs.uk/<2 hex>/<6 hex>/<file>`), among them the
practice-level zip `Practice_Level_Crosstab_Oct_25.zip`, beside other zips of the release; the newest edition
listed may be announced before its files are up. "Patients Registered at a GP Practice" has the same shape,
its edition pages linking `gp-reg-pat-prac-all.csv` and `gp-reg-pat-prac-map.csv`.

The zip holds the real test files (tests/data/realdata/gpad_oct25: Devon and Cambridgeshire, October 2025) under
the published names: Mapping.csv and Practice_Level_Crosstab_Oct_25.csv.
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.conftest import REALDATA

OCT25 = REALDATA / "gpad_oct25"
GPAD = "/data-and-information/publications/statistical/appointments-in-general-practice"
LISTS = "/data-and-information/publications/statistical/patients-registered-at-a-gp-practice"
CROSSTAB_AT = "/files/A3/5F21C0/Practice_Level_Crosstab_Oct_25.zip"

INDEX = """<!DOCTYPE html><html lang="en"><head><title>{title} - NHS England Digital</title></head><body>
<main id="main-content"><h1>{title}</h1>
<div class="nhsd-o-hero"><p>Official statistics, Management information</p></div>
<section><h2>Latest statistics</h2>
{latest}
</section>
<section><h2>Upcoming publications</h2>
<a class="nhsd-a-link" href="{path}/{upcoming}">{title} {upcoming_label}</a>
</section>
<section><h2>Past publications</h2><ul>
{past}
</ul></section>
<a href="/data-and-information/publications/statistical">All statistical publications</a>
</main></body></html>
"""

EDITION = """<!DOCTYPE html><html lang="en"><head><title>{title} - NHS England Digital</title></head><body>
<main id="main-content"><h1>{title}</h1>
<p>Official statistics</p>
<section id="resources"><h2>Resources</h2>
{cards}
</section>
<a href="{index}">{series}: all editions</a>
</main></body></html>
"""

CARD = """<div class="nhsd-m-download-card"><a class="nhsd-a-box-link" href="{href}"
 aria-label="Download {label} [{kind}, size: {size}]"><div class="nhsd-a-box">
<p class="nhsd-t-heading-s">{label}</p><p class="nhsd-t-body-s">{kind}<span> {size}</span></p>
</div></a></div>"""


def crosstab_zip(path: Path) -> Path:
    """The practice-level zip as published: Mapping.csv and the month's crosstab (here Devon and
    Cambridgeshire only)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(OCT25 / "Mapping.csv", "Mapping.csv")
        archive.write(
            OCT25 / "Practice_Level_Crosstab_Devon_Cambs_Oct_25.csv",
            "Practice_Level_Crosstab_Oct_25.csv",
        )
    return path


def _card(href: str, label: str, kind: str = "zip", size: str = "27 MB") -> str:
    return CARD.format(href=href, label=label, kind=kind, size=size)


def gpad_pages(zip_bytes: bytes) -> dict[str, bytes]:
    title = "Appointments in General Practice"
    index = INDEX.format(
        title=title,
        path=GPAD,
        latest=f'<a class="nhsd-a-link" href="{GPAD}/october-2025">{title}, October 2025</a>',
        upcoming="november-2025",
        upcoming_label="November 2025",
        past=f'<li><a href="{GPAD}/september-2025">{title}, September 2025</a></li>',
    )
    october = EDITION.format(
        title=f"{title}, October 2025",
        index=GPAD,
        series=title,
        cards="\n".join(
            [
                _card("https://example.invalid/not-used.pdf", "Summary report", "pdf", "1 MB"),
                _card("/files/77/0C1D2E/Appointments_GP_Daily_CSV_Oct_25.zip", "Daily CSV"),
                _card(CROSSTAB_AT, "Practice Level Crosstab October 2025"),
                _card("/files/B1/99AA00/Appointments_GP_Regional_CSV_Oct_25.zip", "Regional CSV"),
            ]
        ),
    )
    november = EDITION.format(
        title=f"{title}, November 2025", index=GPAD, series=title, cards="<p>Coming soon</p>"
    )
    return {
        GPAD: index.encode(),
        f"{GPAD}/october-2025": october.encode(),
        f"{GPAD}/november-2025": november.encode(),
        CROSSTAB_AT: zip_bytes,
    }


def list_size_pages() -> dict[str, bytes]:
    title = "Patients Registered at a GP Practice"
    files = {
        "/files/0D/3E4F50/gp-reg-pat-prac-all.csv": OCT25 / "gp-reg-pat-prac-all.csv",
        "/files/0D/3E4F51/gp-reg-pat-prac-map.csv": OCT25 / "gp-reg-pat-prac-map.csv",
    }
    index = INDEX.format(
        title=title,
        path=LISTS,
        latest=f'<a href="{LISTS}/december-2025">{title}, December 2025</a>',
        upcoming="january-2026",
        upcoming_label="January 2026",
        past=f'<li><a href="{LISTS}/november-2025">{title}, November 2025</a></li>',
    )
    cards = "\n".join(_card(href, f"Totals: {Path(href).name}", "csv") for href in files)
    december = EDITION.format(
        title=f"{title}, December 2025", index=LISTS, series=title, cards=cards
    )
    pages = {LISTS: index.encode(), f"{LISTS}/december-2025": december.encode()}
    return pages | {href: path.read_bytes() for href, path in files.items()}


@dataclass
class Site:
    url: str
    requests: list[str] = field(default_factory=list)

    def page(self, path: str) -> str:
        return self.url + path


@contextmanager
def serve(pages: dict[str, bytes]) -> Iterator[Site]:
    """Serve `pages` (path -> body) on 127.0.0.1 in a thread; 404 for anything else."""
    site = Site("")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            site.requests.append(self.path)
            body = pages.get(self.path.rstrip("/") or "/")
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            kind = "application/zip" if self.path.endswith(".zip") else "text/html; charset=utf-8"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
