"""The running app as an MCP server: list its tools, then call the recognizer with an example image."""

from __future__ import annotations

import ast
import asyncio
import base64
from pathlib import Path

import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamablehttp_client

pytestmark = pytest.mark.server

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def data_url(path: Path) -> str:
    """A file as a data: URL, the way an MCP client sends an image it holds (Gradio refuses to fetch loopback URLs)."""
    mime = "image/jpeg" if path.suffix == ".jpg" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


async def with_session(url: str, work):
    async with streamablehttp_client(url + "gradio_api/mcp/") as (read, write, _), ClientSession(read, write) as session:
        await session.initialize()
        return await work(session)


def test_the_recognizer_is_an_mcp_tool_an_agent_can_use(app_url):
    async def work(session):
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        photo, drawing = data_url(EXAMPLES / "photo_4.jpg"), data_url(EXAMPLES / "drawn_7.png")
        result = await session.call_tool("predict", {"image": photo, "source": "upload", "tta": False})
        number = await session.call_tool("read_number", {"image": drawing, "source": "upload"})
        return tools, result, number

    tools, result, number = asyncio.run(with_session(app_url, work))
    predict = tools["predict"]
    # What an agent needs to act: what the image may be, what comes back, and the not-a-digit case.
    assert "handwritten digit" in predict.description and "is_digit" in predict.description
    assert set(predict.inputSchema["properties"]) == {"image", "source", "tta"}
    assert predict.inputSchema["properties"]["source"]["enum"] == ["sketch", "webcam", "upload", "mnist"]
    assert "read_number" in tools
    assert not result.isError, result.content
    answer = ast.literal_eval(result.content[0].text)  # Gradio sends the dict as its Python text
    assert answer["label"] == 4 and answer["is_digit"] is True
    assert [d["digit"] for d in answer["top3"]][0] == 4
    assert ast.literal_eval(number.content[0].text)["text"] == "7"
