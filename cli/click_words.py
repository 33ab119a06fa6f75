"""click's own words (Usage, Options, the help option, defaults, its usage errors) in Chinese, wrapped by width.

click marks every sentence it prints with ``gettext``; instead of shipping a
compiled catalogue, the handful it uses are translated here and click's
modules are pointed at this table. A sentence not in the table stays as click
wrote it. ``install`` runs once, when ``cli.main`` is imported, before the
commands are decorated (the ``--version`` option's help is made then).
"""

from __future__ import annotations

WORDS = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "default: {default}": "默认: {default}",
    "env var: {var}": "环境变量: {var}",
    "required": "必填",
    "(dynamic)": "(动态)",
    "deprecated": "已弃用",
    "Aborted!": "已中止!",
    "Missing command.": "缺少命令。",
    "Error: {message}": "错误: {message}",
    "Try '{command} {option}' for help.": "用 '{command} {option}' 查看帮助。",
    "Invalid value: {message}": "值无效: {message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效: {message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数: {param_name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Choose from:\n\t{choices}": "可选:\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多出了参数 ({args})",
    "Got unexpected extra arguments ({args})": "多出了参数 ({args})",
    "Did you mean {possibility}?": "是否要找 {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(是否要找: {possibilities}?)",
    "(Possible options: {possibilities})": "(可能的选项: {possibilities})",
    "integer": "整数",
    "float": "数",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
}


def gettext(message: str) -> str:
    return WORDS.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return WORDS.get(singular if n == 1 else plural, singular if n == 1 else plural)


def display_len(text: str) -> int:
    """The columns ``text`` takes on a terminal (a CJK character two), ANSI escapes not counted."""
    from click._compat import _ansi_re

    from .output import width

    return width(_ansi_re.sub("", text))


def truncate_visible(text: str, n: int) -> str:
    """The longest prefix of ``text`` that takes at most ``n`` columns (at least one character)."""
    used = 0
    for index, ch in enumerate(text):
        used += display_len(ch)
        if used > n:
            return text[: max(index, 1)]
    return text


def install() -> None:
    import click._textwrap
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    # Help is wrapped by the columns a terminal shows, so a Chinese line is no wider than an English one.
    click.formatting.term_len = display_len
    click._textwrap.term_len = display_len
    click._textwrap._truncate_visible = truncate_visible
