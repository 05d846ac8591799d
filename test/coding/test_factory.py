"""CodeExecutorFactory: instances pass through, names build executors, others give clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from autogen.coding import CodeBlock, CodeExecutorFactory, LocalCommandLineCodeExecutor


def test_instance_is_returned_as_is(executor: LocalCommandLineCodeExecutor) -> None:
    assert CodeExecutorFactory.create({"executor": executor}) is executor


@pytest.mark.parametrize("name", ["commandline-local", "local"])
def test_local_executor_from_name_and_kwargs(name: str, work_dir: Path) -> None:
    executor = CodeExecutorFactory.create({"executor": name, "commandline-local": {"work_dir": work_dir, "timeout": 7}})
    assert isinstance(executor, LocalCommandLineCodeExecutor)
    assert executor.timeout == 7 and executor.work_dir == work_dir
    assert executor.execute_code_blocks([CodeBlock(code="print('via factory')", language="python")]).output == (
        "via factory\n"
    )


def test_local_executor_kwargs_under_local_key(work_dir: Path) -> None:
    executor = CodeExecutorFactory.create({"executor": "local", "local": {"work_dir": str(work_dir)}})
    assert isinstance(executor, LocalCommandLineCodeExecutor) and executor.work_dir == work_dir


def test_bad_kwargs_raise_type_error(work_dir: Path) -> None:
    with pytest.raises(TypeError):
        CodeExecutorFactory.create({"executor": "commandline-local", "commandline-local": {"no_such_option": 1}})


def test_executor_instances_pass_through(tmp_path) -> None:
    from autogen.coding import LocalCommandLineCodeExecutor

    executor = LocalCommandLineCodeExecutor(work_dir=tmp_path)
    assert CodeExecutorFactory.create({"executor": executor}) is executor


@pytest.mark.parametrize("name", ["yepcode", "remyx", "daytona"])
def test_third_party_executors(name: str) -> None:
    with pytest.raises(ValueError, match="third-party"):
        CodeExecutorFactory.create({"executor": name})


def test_unknown_or_missing_executor() -> None:
    with pytest.raises(ValueError, match="Unknown code executor quantum"):
        CodeExecutorFactory.create({"executor": "quantum"})
    with pytest.raises(ValueError, match="no 'executor'"):
        CodeExecutorFactory.create({})
