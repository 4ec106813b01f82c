"""A Streamlit tab without a browser: speaks the app's own websocket protocol (BackMsg / ForwardMsg protobufs).

What a student's browser sends and receives, minus drawing the page: so a load test on one machine
measures the server a class shares, not ten browsers' rendering competing with it for the same cores.
"""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect


class ProtocolSession:
    """One session: open it, rerun it with widget values or a button press, read what the script drew."""

    def __init__(self, url: str):
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.query_string = ""
        self.pages: dict[str, str] = {}  # page name -> page_script_hash
        self.page_hash = ""
        self.widget_ids: dict[str, str] = {}  # widget key -> element id
        self.values: dict[str, WidgetState] = {}  # every value this tab has set, sent with each rerun as a browser does
        self.elements: list = []  # what the last script run drew
        self.finished_at = 0.0

    async def __aenter__(self) -> ProtocolSession:
        self.socket = await connect(self.url, subprotocols=["streamlit"], max_size=None)
        await self.rerun()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.socket.close()

    @property
    def workspace(self) -> str:
        return parse_qs(self.query_string).get("ws", [""])[0]

    async def rerun(self, page: str | None = None, press: str | None = None, **numbers) -> list:
        """Rerun the script (on `page` if given) with `numbers` set by widget key and button `press` clicked."""
        if page is not None:
            self.page_hash = self.pages[page]
        for key, value in numbers.items():
            state = WidgetState(id=self.widget_ids[key])
            if isinstance(value, int):
                state.int_value = value
            else:
                state.double_value = value
            self.values[key] = state
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string, rerun.page_script_hash = self.query_string, self.page_hash
        rerun.widget_states.widgets.extend(self.values.values())
        if press is not None:
            rerun.widget_states.widgets.append(WidgetState(id=self.widget_ids[press], trigger_value=True))
        await self.socket.send(message.SerializeToString())
        return await self._read_run()

    async def _read_run(self) -> list:
        self.elements = []
        while True:
            message = ForwardMsg()
            message.ParseFromString(await self.socket.recv())
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                self.elements.append(element)
                widget = getattr(element, element.WhichOneof("type"))
                element_id = getattr(widget, "id", "")
                if "-" in element_id:
                    self.widget_ids[element_id.rsplit("-", 1)[1]] = element_id
            elif kind == "page_info_changed":
                self.query_string = message.page_info_changed.query_string
            elif kind == "navigation":
                self.pages = {p.page_name: p.page_script_hash for p in message.navigation.app_pages}
                self.page_hash = message.navigation.page_script_hash
            elif kind == "new_session":
                self.page_hash = self.page_hash or message.new_session.page_script_hash
            elif kind == "script_finished":
                # 0 = finished successfully; an early finish means a newer rerun follows
                if message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    self.finished_at = time.perf_counter()
                    return self.elements

    def texts(self) -> list[str]:
        """Markdown and caption bodies drawn by the last run."""
        return [e.markdown.body for e in self.elements if e.WhichOneof("type") == "markdown"]

    def metric(self, label_start: str) -> str:
        return next(e.metric.body for e in self.elements if e.WhichOneof("type") == "metric" and e.metric.label.startswith(label_start))

    def chart(self, key: str) -> dict:
        """The Plotly figure drawn with widget key `key` (the last one, if it was redrawn)."""
        charts = [e.plotly_chart for e in self.elements if e.WhichOneof("type") == "plotly_chart"]
        return json.loads([c.spec for c in charts if c.id.endswith(f"-{key}")][-1])

    def problems(self) -> list[str]:
        """Exceptions and error boxes drawn by the last run."""
        out = [e.exception.message for e in self.elements if e.WhichOneof("type") == "exception"]
        return out + [e.alert.body for e in self.elements if e.WhichOneof("type") == "alert" and e.alert.format == e.alert.ERROR]
