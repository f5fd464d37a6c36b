"""Fetch a month of NHS England's "Appointments in General Practice" from its publication pages.

NHS England (digital.nhs.uk) publishes an index page for the series, linking one page per monthly edition
(`.../appointments-in-general-practice/october-2025`); an edition's page links its files, among them the
practice-level zip `Practice_Level_Crosstab_Oct_25.zip` (on files.digital.nhs.uk, at an address that cannot be
worked out in advance). So: the edition's page (given, or for the month, or the newest on the index), then the
zip's link on it, then the download. Optionally the list-size files (`gp-reg-pat-prac-all.csv`,
`gp-reg-pat-prac-map.csv`) from the newest edition of "Patients Registered at a GP Practice" (or a page given).

Downloads are bounded as the ingest bounds files (gpaccess/ingest/sources.py): refused past the size limit as
soon as the server declares or sends more. Only http(s) addresses, also after redirects. The caller loads the
files through the same ingest as any other (`gpaccess.ingest.ingest_files`).
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from gpaccess.config import gpad_index_url, list_size_index_url
from gpaccess.ingest.sources import MAX_CSV_BYTES, MAX_ZIP_BYTES, MiB

Progress = Callable[[float, str], None]
MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
MONTHS = tuple(name[:3] for name in MONTH_NAMES)
CROSSTAB_FILE = re.compile(r"Practice_Level_Crosstab_([A-Za-z]{3})_(\d{2})\.zip", re.I)
LIST_SIZE_FILES = ("gp-reg-pat-prac-all.csv", "gp-reg-pat-prac-map.csv")
EDITION = re.compile(r"/([a-z]+)-(\d{4})/?$")
EDITIONS_TRIED = (
    3  # the newest editions on an index (the newest may be announced before its files are up)
)
MAX_PAGE_BYTES = 5 * MiB
TIMEOUT = 60  # seconds without a byte
CHUNK = 1 << 20
USER_AGENT = "gpaccess (GP access improvement dashboard; https://github.com/)"


class FetchError(Exception):
    """Why a fetch could not be done, in words for whoever asked; nothing was loaded."""


@dataclass(frozen=True)
class Link:
    url: str
    text: str

    @property
    def file_name(self) -> str:
        return unquote(urlsplit(self.url).path.rsplit("/", 1)[-1])


class _LinkParser(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.links: list[Link] = []
        self._open: list[str] | None = None  # [address, text so far] of the link being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self._open = [urljoin(self.base, href.strip()), ""]

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.links.append(Link(self._open[0], " ".join(self._open[1].split())))
            self._open = None


def page_links(html: str, base: str) -> list[Link]:
    """Every link on a page, as absolute addresses, with its text."""
    parser = _LinkParser(base)
    parser.feed(html)
    return list(parser.links)


def parse_month(text: str) -> dt.date:
    """`YYYY-MM` -> the first of that month (ValueError otherwise)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"a month as YYYY-MM, e.g. 2025-10 (got {text!r})")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def edition_url(index_url: str, month: dt.date) -> str:
    """The edition page for a month, as NHS England names them: `<index>/october-2025`."""
    return f"{index_url.rstrip('/')}/{MONTH_NAMES[month.month - 1]}-{month.year}"


def editions(links: list[Link], index_url: str) -> list[tuple[dt.date, str]]:
    """(month, page address) of the editions an index page links, newest first."""
    prefix = urlsplit(index_url).path.rstrip("/") + "/"
    found: dict[dt.date, str] = {}
    for link in links:
        path = urlsplit(link.url).path
        match = EDITION.search(path)
        if path.startswith(prefix) and match and match.group(1) in MONTH_NAMES:
            month = dt.date(int(match.group(2)), MONTH_NAMES.index(match.group(1)) + 1, 1)
            found.setdefault(month, link.url.split("#")[0])
    return sorted(found.items(), reverse=True)


def crosstab_link(links: list[Link], month: dt.date | None) -> Link | None:
    """The practice-level zip on an edition page: for the month if given, else the newest one linked."""
    dated = []
    for link in links:
        match = CROSSTAB_FILE.fullmatch(link.file_name)
        if match and match.group(1)[:3].lower() in MONTHS:
            number = MONTHS.index(match.group(1)[:3].lower()) + 1
            dated.append((dt.date(2000 + int(match.group(2)), number, 1), link))
    if month is not None:
        dated = [(m, link) for m, link in dated if m == month]
    return max(dated, key=lambda pair: pair[0])[1] if dated else None


def list_size_links(links: list[Link]) -> list[Link]:
    chosen = {
        link.file_name.lower(): link for link in links if link.file_name.lower() in LIST_SIZE_FILES
    }
    return [chosen[name] for name in LIST_SIZE_FILES if name in chosen]


# --- downloads ------------------------------------------------------------------------------------------
class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise FetchError(f"Refused a redirect from {req.full_url} to a non-web address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


def _open(url: str):  # type: ignore[no-untyped-def]
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"Not a web address (http or https): {url[:200]}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        return _OPENER.open(request, timeout=TIMEOUT)
    except urllib.error.HTTPError as error:
        raise FetchError(f"{url} answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FetchError(f"Could not reach {url}: {reason}") from None


def read_page(url: str) -> str:
    with _open(url) as response:
        body = response.read(MAX_PAGE_BYTES + 1)
    if len(body) > MAX_PAGE_BYTES:
        raise FetchError(f"{url} is not a publication page (more than {MAX_PAGE_BYTES // MiB} MiB)")
    return body.decode("utf-8", errors="replace")


def download(link: Link, folder: Path, progress: Progress) -> Path:
    """Save a linked file into `folder` under its own (cleaned) name, within the ingest's size limit."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", link.file_name)[:150] or "download"
    limit = MAX_ZIP_BYTES if name.lower().endswith(".zip") else MAX_CSV_BYTES
    target = folder / name
    with _open(link.url) as response, open(target, "wb") as out:
        declared = int(response.headers.get("Content-Length") or 0)
        if declared > limit:
            raise FetchError(_too_big(name, declared, limit))
        done = 0
        while chunk := response.read(CHUNK):
            done += len(chunk)
            if done > limit:
                raise FetchError(_too_big(name, done, limit))
            out.write(chunk)
            progress(done / declared if declared else 0.0, _progress_text(name, done, declared))
    return target


def _too_big(name: str, size: int, limit: int) -> str:
    return (
        f"{name} is more than {limit // MiB:,} MiB ({size / MiB:,.0f} MiB): refused, as the ingest refuses "
        "files past its limits (docs/loading-data.md, 'What a load refuses')"
    )


def _progress_text(name: str, done: int, declared: int) -> str:
    of = f" of {declared / MiB:,.1f}" if declared else ""
    return f"Downloading {name}: {done / MiB:,.1f}{of} MB"


# --- what to fetch ---------------------------------------------------------------------------------------
def find_crosstab(month: dt.date | None, page: str | None) -> Link:
    """The practice-level zip's link: on `page`, or on the month's edition page, or the newest edition's."""
    if page is not None:
        return _crosstab_on(page, month)
    index = gpad_index_url()
    if month is not None:
        return _crosstab_on(edition_url(index, month), month)
    found = _on_newest(index, lambda links: [link] if (link := crosstab_link(links, None)) else [])
    return found[0]


def _crosstab_on(page: str, month: dt.date | None) -> Link:
    found = crosstab_link(page_links(read_page(page), page), month)
    if found is None:
        wanted = (
            f"Practice_Level_Crosstab_{MONTHS[month.month - 1].title()}_{month:%y}.zip"
            if month
            else "Practice_Level_Crosstab_*.zip"
        )
        raise FetchError(f"No link to {wanted} on {page}: is that month published yet?")
    return found


def find_list_sizes(page: str | None) -> list[Link]:
    """gp-reg-pat-prac-all.csv and gp-reg-pat-prac-map.csv: on `page`, else the newest edition's page."""
    if page is None:
        return _on_newest(list_size_index_url(), _both_list_sizes)
    found = _both_list_sizes(page_links(read_page(page), page))
    if not found:
        raise FetchError(f"No links to {' and '.join(LIST_SIZE_FILES)} on {page}")
    return found


def _both_list_sizes(links: list[Link]) -> list[Link]:
    found = list_size_links(links)
    return found if len(found) == len(LIST_SIZE_FILES) else []


def _on_newest(index: str, find: Callable[[list[Link]], list[Link]]) -> list[Link]:
    """What `find` finds on the newest edition page that has it (of the newest few an index links: the
    newest may be announced, or its page missing, before its files are up)."""
    pages = editions(page_links(read_page(index), index), index)[:EDITIONS_TRIED]
    for _, url in pages:
        try:
            found = find(page_links(read_page(url), url))
        except FetchError:
            continue
        if found:
            return found
    raise FetchError(f"None of the newest editions linked from {index} links the files yet")


def fetch_files(
    folder: Path,
    *,
    month: dt.date | None = None,
    page: str | None = None,
    list_sizes: bool = False,
    list_page: str | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Find and download the month's files into `folder`; their paths, ready for the ingest."""
    report = progress or (lambda fraction, message: None)
    report(0.0, "Finding the practice-level zip")
    links = [find_crosstab(month, page)]
    if list_sizes or list_page:
        links += find_list_sizes(list_page)
    return [download(link, folder, report) for link in links]
