"""TimeTool: the date and time of this computer, in the format the model asks for."""

from __future__ import annotations

import asyncio
from datetime import datetime

from autogen.tools.contrib import TimeTool


def test_the_time_comes_back_in_the_default_format():
    tool = TimeTool()
    before = datetime.now().replace(microsecond=0)
    stamp = datetime.strptime(asyncio.run(tool.func()), "%Y-%m-%d %H:%M:%S")
    assert before <= stamp <= datetime.now()


def test_the_model_may_choose_another_format():
    tool = TimeTool(date_time_format="%Y")
    assert tool.tool_schema["function"]["parameters"]["properties"]["date_time_format"]["default"] == "%Y"
    assert asyncio.run(tool.func()) == str(datetime.now().year)
    assert asyncio.run(tool.func(date_time_format="%d/%m/%Y")) == datetime.now().strftime("%d/%m/%Y")
