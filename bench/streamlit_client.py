"""A client that opens a dashboard page as a browser does, without drawing it: Streamlit's websocket protocol.

What the browser does (streamlit/frontend, and streamlit/web/server/starlette/starlette_websocket.py on the
server): GET the page's HTML (through nginx this sets the `gpaccess_route` cookie), open the websocket
`/_stcore/stream` with the subprotocol "streamlit" and the cookies, send a `BackMsg` whose `rerun_script` is a
`ClientState` carrying the query string and the page (its `page_name` is the page's URL path, e.g. "uptake";
"" for the default page), then read `ForwardMsg`s until `script_finished`. A run ended early for a rerun (the
app's own `st.rerun`) is followed by another run: the page is drawn when a run finishes successfully.

Used by bench/load.py (many sessions at once) and tests/integration/test_serve.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

ROUTE_COOKIE = "gpaccess_route"
DRAWN = ForwardMsg.FINISHED_SUCCESSFULLY
RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN


@dataclass
class PageView:
    """One page opened: how long until its script run finished, what came back, what went wrong."""

    page: str
    query: str
    seconds: float = 0.0
    deltas: int = 0
    payload: bytearray = field(default_factory=bytearray, repr=False)  # every ForwardMsg, as sent
    route: str | None = None  # the nginx route cookie used (None: no proxy in front)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def page_url(base: str, page: str, query: str) -> str:
    return f"{base.rstrip('/')}/{page}" + (f"?{query}" if query else "")


def fetch_html(url: str, cookies: dict[str, str], timeout: float) -> dict[str, str]:
    """GET the page's HTML as a browser's first request; returns the cookies the response set (name: value)."""
    request = urllib.request.Request(url, headers=_cookie_header(cookies))
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback URL we built
        response.read()
        if response.status != 200:
            raise OSError(f"HTTP {response.status} for {url}")
        jar: SimpleCookie = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return {name: morsel.value for name, morsel in jar.items()}


def _cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}


def rerun_message(page: str, query: str, url: str) -> bytes:
    message = BackMsg()
    state = message.rerun_script
    state.query_string = query
    state.page_name = page
    state.context_info.url = url
    state.context_info.timezone = "Europe/London"
    state.context_info.locale = "en-GB"
    return message.SerializeToString()


class Session:
    """One browser tab: the first page is a full load (HTML, then the websocket); later pages are opened in the
    same session, as the sidebar's links do (a rerun of another page, no new HTML or websocket)."""

    def __init__(
        self,
        base: str,
        cookies: dict[str, str] | None = None,
        timeout: float = 120.0,
        keep_payload: bool = False,
    ) -> None:
        self.base = base.rstrip("/")
        self.cookies = dict(cookies or {})
        self.timeout = timeout
        self.keep_payload = keep_payload
        self._socket: ClientConnection | None = None

    async def open(self, page: str, query: str = "") -> PageView:
        """Open `page` with `query`; never raises (the error is in the result)."""
        view = PageView(page, query)
        url = page_url(self.base, page, query)
        start = time.perf_counter()
        try:
            await asyncio.wait_for(self._open(view, url), self.timeout)
        except Exception as error:  # noqa: BLE001 - every failure is counted, whatever it is
            view.error = view.error or f"{type(error).__name__}: {str(error)[:200]}"
        view.seconds = time.perf_counter() - start
        view.route = self.cookies.get(ROUTE_COOKIE)
        return view

    async def _open(self, view: PageView, url: str) -> None:
        if self._socket is None:
            self.cookies.update(
                await asyncio.to_thread(fetch_html, url, self.cookies, self.timeout)
            )
            self._socket = await self._connect()
        await self._socket.send(rerun_message(view.page, view.query, url))
        async for frame in self._socket:
            data = frame if isinstance(frame, bytes) else frame.encode()
            message = ForwardMsg()
            message.ParseFromString(data)
            if self.keep_payload:
                view.payload += data
            if _read(message, view):
                return
        raise ConnectionError("the websocket closed before the script run finished")

    async def _connect(self) -> ClientConnection:
        parts = urlsplit(self.base)
        headers = {"Origin": f"{parts.scheme}://{parts.netloc}", **_cookie_header(self.cookies)}
        return await connect(
            f"ws://{parts.netloc}/_stcore/stream",
            subprotocols=[Subprotocol("streamlit")],
            additional_headers=headers,
            max_size=2**26,
        )

    async def close(self) -> None:
        if self._socket is not None:
            with contextlib.suppress(
                Exception
            ):  # a broken connection is already counted as an error
                await self._socket.close()
            self._socket = None


async def open_page(
    base: str,
    page: str,
    query: str = "",
    cookies: dict[str, str] | None = None,
    timeout: float = 120.0,
    keep_payload: bool = False,
) -> PageView:
    """Open `page` with `query` in a new session (a browser's full page load); never raises."""
    session = Session(base, cookies, timeout, keep_payload)
    try:
        return await session.open(page, query)
    finally:
        await session.close()


def _read(message: ForwardMsg, view: PageView) -> bool:
    """Take one ForwardMsg into `view`; True when the page is drawn (or failed for good)."""
    kind = message.WhichOneof("type")
    if kind == "delta":
        view.deltas += 1
        element = message.delta.new_element
        if (
            message.delta.WhichOneof("type") == "new_element"
            and element.WhichOneof("type") == "exception"
        ):
            view.error = f"exception on the page: {element.exception.message[:200]}"
            return True
    elif kind == "page_not_found":
        view.error = f"page not found: {view.page!r}"
        return True
    elif kind == "script_finished":
        if message.script_finished == DRAWN:
            return True
        if message.script_finished != RERUN:
            view.error = f"script finished with status {message.script_finished}"
            return True
    return False
