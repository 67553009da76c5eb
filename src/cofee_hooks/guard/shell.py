"""Find the git commits and hook-skipping tricks in a shell command line.

The agent commit guard receives each Bash command before it runs. This
module parses the command the way a POSIX shell would, far enough to tell
which `git commit` calls it makes (in which repository, with which flags and
paths) and whether it tries to get past the git hooks.

What it understands: quoting (`'...'`, `"..."`, `$'...'`, backslashes),
the operators `&&`, `||`, `;`, `|`, `&`, newlines, `( ... )` and `{ ...; }`,
command substitution (`$(...)`, backticks) and `bash -c`/`sh -c`/`eval`
strings (analysed as scripts of their own), environment prefixes
(`NAME=value cmd`, `env`, `export`), command wrappers (`sudo`, `nohup`,
`time`, `timeout`, `xargs`, ...), `cd`/`pushd` before a git call, git's
global options (`-C`, `--git-dir`, `--work-tree`, `-c`), and `git add`,
`git rm` and `git mv` earlier in the same line.

Parsing shell is never complete: variables set at run time, functions,
aliases, scripts and encoded strings are out of reach. The git hooks and the
range check in CI are the backstop; this is the fast first line.

Only the standard library is imported.
"""

from __future__ import annotations

import os
import posixpath

_MAX_DEPTH = 6
_OPERATORS = ("&&", "||", ";;", ";&", "|&", ";", "|", "&", "\n", "(", ")")
_KEYWORDS = {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "time", "case", "esac"}
_SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "ash", "busybox"}
# Wrappers whose operands end with the command they run: name -> options that take a value.
_WRAPPERS: dict[str, set[str]] = {
    "sudo": {"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T"},
    "doas": {"-u", "-C"},
    "nohup": set(),
    "command": set(),
    "builtin": set(),
    "exec": {"-a"},
    "nice": {"-n"},
    "ionice": {"-c", "-n", "-p"},
    "chronic": set(),
    "stdbuf": {"-i", "-o", "-e"},
    "setsid": set(),
    "unbuffer": set(),
    "flock": {"-w", "-E", "-c"},
    "xargs": {"-I", "-L", "-n", "-P", "-d", "-E", "-s", "-a"},
    "watch": {"-n", "-d"},
    "caffeinate": set(),
    "parallel": {"-j", "-S", "--jobs"},
}
_HOOK_SKIP_ENV_PREFIXES = ("GIT_CONFIG",)  # GIT_CONFIG, GIT_CONFIG_COUNT, _KEY_n, _PARAMETERS, _GLOBAL, _SYSTEM
_HOOK_SKIP_ENV = {
    "HUSKY": "HUSKY=0 turns husky's hooks off",
    "HUSKY_SKIP_HOOKS": "HUSKY_SKIP_HOOKS turns husky's hooks off",
    "SKIP": "SKIP= skips hooks of the pre-commit framework",
    "PRE_COMMIT_ALLOW_NO_CONFIG": "PRE_COMMIT_ALLOW_NO_CONFIG lets the pre-commit framework run without checks",
    "LEFTHOOK": "LEFTHOOK=0 turns lefthook off",
    "LEFTHOOK_EXCLUDE": "LEFTHOOK_EXCLUDE skips lefthook commands",
    "COFEE_HOOKS_SKIP": "COFEE_HOOKS_SKIP asks to skip the cofee-hooks git hooks",
}
# git subcommands that run hooks this package installs or relies on.
_HOOK_RUNNING = {"commit", "merge", "push", "pull", "rebase", "am", "cherry-pick", "revert", "commit-tree", "update-ref"}
# git's own commands; any other word after `git` may be an alias from the
# configuration, which the agent guard looks up.
_KNOWN_SUBCOMMANDS = set(
    """add am annotate apply archive bisect blame branch bugreport bundle cat-file check-attr check-ignore
    check-mailmap check-ref-format checkout checkout-index cherry cherry-pick citool clean clone column commit
    commit-graph commit-tree config count-objects credential describe diagnose diff diff-files diff-index diff-tree
    difftool fast-export fast-import fetch fetch-pack filter-branch for-each-ref for-each-repo format-patch fsck gc
    get-tar-commit-id grep gui hash-object help hook http-backend index-pack init instaweb interpret-trailers lfs log
    ls-files ls-remote ls-tree mailinfo mailsplit maintenance merge merge-base merge-file merge-index merge-tree
    mergetool mktag mktree multi-pack-index mv name-rev notes pack-objects pack-refs patch-id prune prune-packed
    pull push range-diff read-tree rebase reflog remote repack replace request-pull rerere reset restore rev-list
    rev-parse revert rm send-email shortlog show show-branch show-index show-ref sparse-checkout stage stash status
    stripspace submodule svn switch symbolic-ref tag unpack-file unpack-objects update-index update-ref
    update-server-info var verify-commit verify-pack verify-tag version whatchanged worktree write-tree""".split()
)
_COMMIT_VALUE_SHORT = set("mFCct")
_COMMIT_VALUE_LONG = {
    "--message", "--file", "--reuse-message", "--reedit-message", "--template", "--author", "--date",
    "--cleanup", "--fixup", "--squash", "--trailer", "--pathspec-from-file",
}


_REQUIRED = object()


class _Record:
    """Base of the result types: fields with defaults, set by position or keyword.

    A stand-in for `dataclasses`, which costs several milliseconds to import
    (it loads `inspect`) on every hook call. A callable default (`list`,
    `Location`) is called to build a fresh value.
    """

    __slots__ = ()
    _fields: tuple[tuple[str, object], ...] = ()

    def __init__(self, *args: object, **kwargs: object) -> None:
        if len(args) > len(self._fields):
            raise TypeError(f"{type(self).__name__} takes at most {len(self._fields)} arguments")
        for index, (name, default) in enumerate(self._fields):
            if index < len(args):
                value = args[index]
            elif name in kwargs:
                value = kwargs.pop(name)
            elif default is _REQUIRED:
                raise TypeError(f"{type(self).__name__}: missing argument {name!r}")
            else:
                value = default() if callable(default) else default
            setattr(self, name, value)
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unknown argument {next(iter(kwargs))!r}")

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name, _ in self._fields)
        return f"{type(self).__name__}({values})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name, _ in self._fields)


class Location(_Record):
    """Place of a git call: its folder (relative to the start folder, None when unknown) and git settings."""

    __slots__ = ("directory", "git_dir", "work_tree", "index_file")
    _fields = (("directory", ""), ("git_dir", None), ("work_tree", None), ("index_file", None))


class StagingStep(_Record):
    """A `git add`, `git rm` or `git mv` earlier in the line: what it puts into the index.

    `mode` is `add` (pathspecs, untracked files included), `update` (`add -u`:
    tracked files only), `all` (`add -A` without pathspecs: the whole
    repository), `rm`, `mv` (the pathspecs name both sides), or `unstage`
    (`restore --staged`, `reset -- PATHS`: literal paths leave the index).
    """

    __slots__ = ("location", "mode", "pathspecs", "force")
    _fields = (("location", _REQUIRED), ("mode", _REQUIRED), ("pathspecs", list), ("force", False))


class GitCommit(_Record):
    """One `git commit` the command line would run."""

    _fields = (
        ("location", _REQUIRED),
        ("text", _REQUIRED),
        ("all", False),
        ("only", False),
        ("include", False),
        ("amend", False),
        ("dry_run", False),
        ("no_verify", False),
        ("paths", list),
        ("pathspec_file", None),
        ("staged_before", list),
    )
    __slots__ = tuple(name for name, _ in _fields)


class HookSkip(_Record):
    """An attempt to get past the git hooks, with the reason shown to the agent."""

    __slots__ = ("reason", "text", "location")
    _fields = (("reason", _REQUIRED), ("text", _REQUIRED), ("location", Location))


class AliasCall(_Record):
    """A git call whose subcommand is not a git command, so possibly an alias from the configuration."""

    __slots__ = ("location", "name", "arguments")
    _fields = (("location", _REQUIRED), ("name", _REQUIRED), ("arguments", list))


class Analysis(_Record):
    """Everything found in one command line."""

    __slots__ = ("commits", "skips", "aliases", "git_calls")
    _fields = (("commits", list), ("skips", list), ("aliases", list), ("git_calls", 0))


def analyse(command: str, environ: dict[str, str] | None = None) -> Analysis:
    """Analyse a Bash command line; odd input gives a partial result, not an exception (property-tested)."""
    analysis = Analysis()
    state = _State(Location(), {}, environ if environ is not None else dict(os.environ))
    _analyse_script(command, analysis, state, 0)
    return analysis


# --- tokenising -------------------------------------------------------------


class _Word(_Record):
    """A shell word after quote removal; `exact` is False when it held an expansion."""

    __slots__ = ("value", "exact", "quoted")
    _fields = (("value", _REQUIRED), ("exact", True), ("quoted", False))


_UNKNOWN_WORD = _Word("", exact=False)


class _Heredoc(_Record):
    """The body of a here-document, given to the command it belongs to."""

    __slots__ = ("body",)
    _fields = (("body", _REQUIRED),)


class _State(_Record):

    __slots__ = ("location", "variables", "environ", "staged")
    _fields = (("location", _REQUIRED), ("variables", _REQUIRED), ("environ", _REQUIRED), ("staged", list))

    def copy(self) -> _State:
        return _State(
            Location(self.location.directory, self.location.git_dir, self.location.work_tree, self.location.index_file),
            dict(self.variables),
            self.environ,
            list(self.staged),
        )


class _Lexer:
    """Split a script into words and operators; inner scripts of `$(...)` and backticks are collected."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.inner_scripts: list[str] = []

    def tokens(self) -> list[_Word | _Heredoc | str]:
        result: list[_Word | _Heredoc | str] = []
        while self.position < len(self.text):
            # Re-read: a here-document removes its body from the text.
            text = self.text
            char = text[self.position]
            if char in " \t\r":
                self.position += 1
                continue
            if char == "\\" and text.startswith("\\\n", self.position):
                self.position += 2
                continue
            if char == "#" and self._after_space():
                end = text.find("\n", self.position)
                self.position = len(text) if end < 0 else end
                continue
            operator = self._operator()
            if operator is not None:
                result.append(operator)
                continue
            if text.startswith("&>", self.position):
                self.position += 1
            if char in "<>" or text.startswith("&>", self.position - 1) or (
                char.isdigit() and self._redirect_after_digits()
            ):
                body = self._skip_redirect()
                if body is not None:
                    result.append(_Heredoc(body))
                continue
            start = self.position
            word = self._word()
            if self.position == start:
                self.position += 1  # a character no rule consumes; never loop on it
                continue
            result.append(word)
        return result

    def _after_space(self) -> bool:
        return self.position == 0 or self.text[self.position - 1] in " \t\n;&|()"

    def _operator(self) -> str | None:
        for operator in _OPERATORS:
            if self.text.startswith(operator, self.position):
                if operator == "&" and self.text.startswith("&>", self.position):
                    return None
                self.position += len(operator)
                return operator
        return None

    def _redirect_after_digits(self) -> bool:
        index = self.position
        while index < len(self.text) and self.text[index].isdigit():
            index += 1
        return index < len(self.text) and self.text[index] in "<>"

    def _skip_redirect(self) -> str | None:
        text = self.text
        while self.position < len(text) and text[self.position].isdigit():
            self.position += 1
        if text.startswith("<<", self.position) and not text.startswith("<<<", self.position):
            return self._skip_heredoc()
        while self.position < len(text) and text[self.position] in "<>&|":
            self.position += 1
        if text.startswith("-", self.position) and self.position > 0 and text[self.position - 1] == "&":
            self.position += 1
            return None
        while self.position < len(text) and text[self.position] in " \t":
            self.position += 1
        if self.position < len(text) and text[self.position] not in "\n;&|()":
            self._word()  # the redirection target is not an argument
        return None

    def _skip_heredoc(self) -> str | None:
        """Remove a here-document's body from the text and return it, or None if it has none.

        The body is data for its command. It is returned only so that a shell
        reading it (`bash <<EOF`) is analysed.
        """
        text = self.text
        self.position += 2
        if text.startswith("-", self.position):
            self.position += 1
        while self.position < len(text) and text[self.position] in " \t":
            self.position += 1
        delimiter = self._word().value
        line_end = text.find("\n", self.position)
        if line_end < 0 or not delimiter:
            return None

        body_start = line_end + 1
        index = body_start
        body_end = len(text)
        while index <= len(text):
            next_end = text.find("\n", index)
            line = text[index:] if next_end < 0 else text[index:next_end]
            if line.strip() == delimiter:
                body_end = index
                rest = len(text) if next_end < 0 else next_end
                break
            if next_end < 0:
                rest = len(text)
                break
            index = next_end + 1
        else:
            rest = len(text)

        # Keep the rest of the here-document's first line and drop the body.
        self.text = text[:line_end] + text[rest:]
        return text[body_start:body_end]

    def _word(self) -> _Word:
        text = self.text
        parts: list[str] = []
        exact = True
        quoted = False
        while self.position < len(text):
            char = text[self.position]
            if char in " \t\r\n;&|()<>":
                break
            if char == "\\":
                if self.position + 1 < len(text):
                    parts.append(text[self.position + 1])
                self.position += 2
            elif char == "'":
                end = text.find("'", self.position + 1)
                end = len(text) if end < 0 else end
                parts.append(text[self.position + 1 : end])
                self.position = end + 1
                quoted = True
            elif char == "$" and text.startswith("$'", self.position):
                value, self.position = _ansi_c_string(text, self.position + 2)
                parts.append(value)
                quoted = True
            elif char == '"':
                value, inner_exact = self._double_quoted()
                parts.append(value)
                exact = exact and inner_exact
                quoted = True
            elif self._expansion(parts):
                exact = False
            else:
                parts.append(char)
                self.position += 1
        return _Word("".join(parts), exact, quoted)

    def _double_quoted(self) -> tuple[str, bool]:
        text = self.text
        self.position += 1
        parts: list[str] = []
        exact = True
        while self.position < len(text) and text[self.position] != '"':
            char = text[self.position]
            if char == "\\" and self.position + 1 < len(text) and text[self.position + 1] in '$`"\\\n':
                parts.append(text[self.position + 1])
                self.position += 2
            elif self._expansion(parts):
                exact = False
            else:
                parts.append(char)
                self.position += 1
        self.position += 1
        return "".join(parts), exact

    def _expansion(self, parts: list[str]) -> bool:
        """Read a `$(...)`, backtick or `$VAR` at the position; False if none starts here.

        Both unquoted words and double quotes expand these the same way. A
        variable stays in the word as a NUL-wrapped name, never as a value.
        """
        text = self.text
        char = text[self.position]
        if text.startswith("$(", self.position) and not text.startswith("$((", self.position):
            self.inner_scripts.append(self._substitution())
        elif char == "`":
            self.inner_scripts.append(self._backticks())
        elif char == "$":
            name, self.position = _variable(text, self.position)
            parts.append("\0" + name + "\0")
        else:
            return False
        return True

    def _substitution(self) -> str:
        text = self.text
        start = self.position + 2
        depth = 1
        index = start
        quote = ""
        while index < len(text):
            char = text[index]
            if quote:
                if char == "\\" and quote == '"':
                    index += 1
                elif char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char == "\\":
                index += 1
            elif text.startswith("<<", index) and not text.startswith("<<<", index):
                index = _after_heredoc_body(text, index) - 1
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    break
            index += 1
        self.position = index + 1
        return text[start:index]

    def _backticks(self) -> str:
        text = self.text
        start = self.position + 1
        index = start
        parts: list[str] = []
        while index < len(text) and text[index] != "`":
            if text[index] == "\\" and index + 1 < len(text):
                parts.append(text[index + 1])
                index += 2
                continue
            parts.append(text[index])
            index += 1
        self.position = index + 1
        return "".join(parts)


def _after_heredoc_body(text: str, index: int) -> int:
    """Return the index after the body of the here-document starting at `index` (at `<<`)."""
    start = index + 2
    if text.startswith("-", start):
        start += 1
    line_end = text.find("\n", start)
    if line_end < 0:
        return start
    delimiter = text[start:line_end].strip().split(" ")[0].strip("'\"\\") if text[start:line_end].strip() else ""
    if not delimiter:
        return start
    position = line_end + 1
    while position < len(text):
        next_end = text.find("\n", position)
        line = text[position:] if next_end < 0 else text[position:next_end]
        if line.strip() == delimiter:
            return position + len(line)
        if next_end < 0:
            break
        position = next_end + 1
    return start


def _ansi_c_string(text: str, index: int) -> tuple[str, int]:
    escapes = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "v": "\v"}
    parts: list[str] = []
    while index < len(text) and text[index] != "'":
        char = text[index]
        if char != "\\" or index + 1 >= len(text):
            parts.append(char)
            index += 1
            continue
        code = text[index + 1]
        if code in escapes:
            parts.append(escapes[code])
            index += 2
        elif code == "x":
            digits = _take(text, index + 2, "0123456789abcdefABCDEF", 2)
            parts.append(chr(int(digits, 16)) if digits else "x")
            index += 2 + len(digits)
        elif code in "uU":
            digits = _take(text, index + 2, "0123456789abcdefABCDEF", 4 if code == "u" else 8)
            parts.append(_safe_chr(int(digits, 16)) if digits else code)
            index += 2 + len(digits)
        elif code in "01234567":
            digits = _take(text, index + 1, "01234567", 3)
            parts.append(_safe_chr(int(digits, 8)))
            index += 1 + len(digits)
        else:
            parts.append(code)
            index += 2
    return "".join(parts), index + 1


def _take(text: str, index: int, allowed: str, limit: int) -> str:
    end = index
    while end < len(text) and end - index < limit and text[end] in allowed:
        end += 1
    return text[index:end]


def _safe_chr(code: int) -> str:
    try:
        return chr(code)
    except (ValueError, OverflowError):
        return "?"


def _variable(text: str, index: int) -> tuple[str, int]:
    """Read `$NAME`, `${NAME...}` or `$1`; return the name and the index after it."""
    index += 1
    if text.startswith("{", index):
        end = text.find("}", index)
        end = len(text) if end < 0 else end
        name = text[index + 1 : end]
        for separator in (":-", ":=", "-", "=", ":?", ":+", "#", "%", "/", ":"):
            name = name.split(separator, 1)[0]
        return name, end + 1
    end = index
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    if end == index and index < len(text):
        end += 1  # $?, $$, $@ and friends
    return text[index:end], end


# --- commands ---------------------------------------------------------------


def _analyse_script(script: str, analysis: Analysis, state: _State, depth: int) -> None:
    if depth > _MAX_DEPTH or not script:
        return
    lexer = _Lexer(script)
    tokens = lexer.tokens()
    for inner in lexer.inner_scripts:
        _analyse_script(inner, analysis, state.copy(), depth + 1)

    stack: list[_State] = []
    command: list[_Word] = []
    heredocs: list[str] = []
    for token in [*tokens, ";"]:
        if isinstance(token, _Word):
            command.append(token)
            continue
        if isinstance(token, _Heredoc):
            heredocs.append(token.body)
            continue
        if command:
            _analyse_command(command, heredocs, analysis, state, depth)
        command = []
        heredocs = []
        if token == "(":
            stack.append(state)
            state = state.copy()
        elif token == ")" and stack:
            state = stack.pop()


def _expand(word: _Word, state: _State) -> str | None:
    """Return the word with known variables substituted, or None when a part stays unknown."""
    if word.exact:
        return word.value
    if "\0" not in word.value:
        return None
    pieces = word.value.split("\0")
    result: list[str] = []
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            result.append(piece)
            continue
        value = state.variables.get(piece, state.environ.get(piece))
        if value is None:
            return None
        result.append(value)
    if not all(isinstance(part, str) for part in result):
        return None
    return "".join(result)


def _analyse_command(words: list[_Word], heredocs: list[str], analysis: Analysis, state: _State, depth: int) -> None:
    env: dict[str, str] = {}
    index = 0
    # Leading keywords and assignments.
    while index < len(words):
        word = words[index]
        if not word.quoted and word.value in _KEYWORDS:
            index += 1
            continue
        name, value = _assignment(word, state)
        if name is None:
            break
        env[name] = value
        index += 1
    argv = words[index:]
    if not argv:
        state.variables.update(env)
        return
    if heredocs and posixpath.basename(_expand(argv[0], state) or "") in _SHELLS:
        for body in heredocs:
            _analyse_script(body, analysis, state.copy(), depth + 1)
    _analyse_argv(argv, env, analysis, state, depth)


def _assignment(word: _Word, state: _State) -> tuple[str | None, str]:
    if word.quoted and "=" not in word.value.split("\0")[0]:
        return None, ""
    name, separator, rest = word.value.partition("=")
    if not separator or not name or not (name[0].isalpha() or name[0] == "_"):
        return None, ""
    if not all(char.isalnum() or char == "_" for char in name):
        return None, ""
    expanded = _expand(_Word(rest, word.exact or "\0" in rest, word.quoted), state)
    return name, expanded if expanded is not None else "\0unknown"


def _analyse_argv(argv: list[_Word], env: dict[str, str], analysis: Analysis, state: _State, depth: int) -> None:
    values = [_expand(word, state) for word in argv]
    name = posixpath.basename(values[0] or "")

    if name in ("env",):
        _analyse_env(argv, values, env, analysis, state, depth)
        return
    if name in _WRAPPERS or name in ("time", "timeout"):
        rest = _strip_wrapper(name, argv, values)
        if rest and name in ("xargs", "parallel"):
            rest = [*rest, _UNKNOWN_WORD]  # xargs appends the words it reads
        if rest:
            _analyse_argv(rest, env, analysis, state, depth)
        return
    if name in ("export", "declare", "typeset", "local", "readonly"):
        for word in argv[1:]:
            variable, value = _assignment(word, state)
            if variable is not None:
                state.variables[variable] = value
                _check_skip_env({variable: value}, analysis, state, "export " + word.value, exported=True)
        return
    if name in ("cd", "pushd"):
        _change_directory(values[1:], state)
        return
    if name == "popd":
        state.location.directory = None
        return
    if name in _SHELLS or name == "eval" or name == "source" or name == ".":
        _analyse_shell(name, argv, values, analysis, state, depth)
        return
    if name == "git":
        _analyse_git(argv, values, env, analysis, state, depth)
        return
    if name == "find":
        _analyse_find_exec(argv, env, analysis, state, depth)


def _analyse_env(argv, values, env, analysis, state, depth) -> None:
    index = 1
    while index < len(argv):
        value = values[index] or ""
        if value in ("-i", "--ignore-environment", "-0", "--null", "-v", "--debug"):
            index += 1
        elif value in ("-u", "--unset", "-C", "--chdir", "-S", "--split-string"):
            if value in ("-S", "--split-string") and index + 1 < len(argv):
                _analyse_script(values[index + 1] or "", analysis, _with_env(state, env), depth + 1)
                return
            if value in ("-C", "--chdir") and index + 1 < len(argv):
                state = state.copy()
                _change_directory([values[index + 1]], state)
            index += 2
        elif value.startswith("-"):
            index += 1
        else:
            variable, assigned = _assignment(argv[index], state)
            if variable is None:
                break
            env = {**env, variable: assigned}
            index += 1
    if index < len(argv):
        _analyse_argv(argv[index:], env, analysis, state, depth)
    else:
        state.variables.update(env)


def _strip_wrapper(name: str, argv: list[_Word], values: list[str | None]) -> list[_Word]:
    takes_value = _WRAPPERS.get(name, {"-s", "-k", "--signal", "--kill-after", "-f", "-o", "-a"})
    index = 1
    while index < len(argv):
        value = values[index] or ""
        if value == "--":
            index += 1
            break
        if not value.startswith("-") or value == "-":
            break
        if value in takes_value or (name == "timeout" and value in ("-s", "-k")):
            index += 2
        else:
            index += 1
    if name == "timeout" and index < len(argv):
        index += 1  # the duration
    if name == "flock" and index < len(argv):
        index += 1  # the lock file
    return argv[index:]


def _with_env(state: _State, env: dict[str, str]) -> _State:
    copied = state.copy()
    copied.variables.update(env)
    return copied


def _change_directory(arguments: list[str | None], state: _State) -> None:
    operands = [value for value in arguments if value is None or not value.startswith("-") or value == "-"]
    if None in operands:
        state.location.directory = None
        return
    if not operands:
        state.location.directory = state.environ.get("HOME")
        return
    target = operands[0]
    if target == "-":
        state.location.directory = None
        return
    target = _tilde(target, state)
    if state.location.directory is None and not target.startswith("/"):
        return
    base = state.location.directory or ""
    state.location.directory = posixpath.normpath(posixpath.join(base, target)) if base else target


def _tilde(path: str, state: _State) -> str:
    home = state.environ.get("HOME")
    if home and (path == "~" or path.startswith("~/")):
        return home + path[1:]
    return path


def _analyse_shell(name, argv, values, analysis, state, depth) -> None:
    if name == "eval":
        _analyse_script(" ".join(value or "" for value in values[1:]), analysis, state, depth + 1)
        return
    if name in ("source", "."):
        return  # NOTE: sourced scripts are not read; the git hooks are the backstop.
    index = 1
    while index < len(argv):
        value = values[index] or ""
        if value == "-c" or (value.startswith("-") and not value.startswith("--") and "c" in value[1:]):
            if index + 1 < len(argv):
                script = values[index + 1] if values[index + 1] is not None else argv[index + 1].value
                _analyse_script(script.replace("\0", ""), analysis, state.copy(), depth + 1)
            return
        if not value.startswith("-"):
            return
        index += 1


def _analyse_find_exec(argv, env, analysis, state, depth) -> None:
    for index, word in enumerate(argv):
        if word.value in ("-exec", "-execdir", "-ok", "-okdir"):
            rest = []
            for inner in argv[index + 1 :]:
                if inner.value in (";", "+"):
                    break
                # `{}` becomes the found paths, unknown here.
                rest.append(_UNKNOWN_WORD if inner.value == "{}" else inner)
            if rest:
                _analyse_argv(rest, env, analysis, state, depth)


# --- git --------------------------------------------------------------------


def _analyse_git(argv, values, env, analysis: Analysis, state: _State, depth: int) -> None:
    analysis.git_calls += 1
    location = Location(state.location.directory, state.location.git_dir, state.location.work_tree, state.location.index_file)
    merged_env = {**{k: v for k, v in state.variables.items() if k.startswith("GIT_")}, **env}
    location.git_dir = merged_env.get("GIT_DIR", location.git_dir)
    location.work_tree = merged_env.get("GIT_WORK_TREE", location.work_tree)
    location.index_file = merged_env.get("GIT_INDEX_FILE", location.index_file)
    text = " ".join(value if value is not None else word.value.replace("\0", "$") for word, value in zip(argv, values))

    config_options: list[str] = []
    index = 1
    while index < len(values):
        value = values[index]
        if value is None:
            index += 1
            continue
        if value == "-C" and index + 1 < len(values):
            directory = values[index + 1]
            if directory is None:
                location.directory = None
            elif directory:
                base = location.directory
                directory = _tilde(directory, state)
                if directory.startswith("/"):
                    location.directory = directory
                elif base is not None:
                    location.directory = posixpath.normpath(posixpath.join(base, directory)) if base else directory
            index += 2
        elif value == "-c" and index + 1 < len(values):
            config_options.append(values[index + 1] or "\0unknown")
            index += 2
        elif value.startswith("--config-env"):
            if "=" in value:
                option = value.partition("=")[2]
                index += 1
            else:
                option = (values[index + 1] if index + 1 < len(values) else "") or ""
                index += 2
            config_options.append(option)
        elif value in ("--git-dir", "--work-tree", "--namespace", "--exec-path", "--super-prefix", "--list-cmds") and index + 1 < len(values):
            _set_location_option(location, value, values[index + 1], state)
            index += 2
        elif value.startswith(("--git-dir=", "--work-tree=")):
            option, _, argument = value.partition("=")
            _set_location_option(location, option, argument, state)
            index += 1
        elif value.startswith("-"):
            index += 1
        else:
            break
    subcommand = values[index] if index < len(values) else None
    arguments = values[index + 1 :] if index < len(values) else []
    if subcommand is None:
        return

    if subcommand in _HOOK_RUNNING:
        _check_skip_env(merged_env, analysis, state, text, location=location)
        for option in config_options:
            key = option.split("=", 1)[0].strip().lower()
            if key == "core.hookspath" or option.startswith("\0"):
                analysis.skips.append(HookSkip(f"'-c {option.split('=', 1)[0]}' points git at other hooks", text, location))
            elif key.startswith("alias."):
                analysis.skips.append(HookSkip("'-c alias.*' redefines git commands for one call", text, location))

    if subcommand == "commit":
        commit = _parse_commit(arguments, location, text)
        commit.staged_before = [step for step in state.staged]
        if commit.no_verify:
            analysis.skips.append(HookSkip("'git commit --no-verify' (or -n) skips the pre-commit hook", text, location))
        analysis.commits.append(commit)
    elif subcommand in ("merge", "push", "rebase", "am", "pull", "cherry-pick", "revert"):
        if _has_long_option(arguments, "--no-verify"):
            analysis.skips.append(HookSkip(f"'git {subcommand} --no-verify' skips the git hooks", text, location))
    elif subcommand == "commit-tree":
        analysis.skips.append(HookSkip("'git commit-tree' writes a commit without running any hook", text, location))
    elif subcommand == "update-ref":
        if _moves_branch(arguments):
            analysis.skips.append(HookSkip("'git update-ref' on a branch moves it without running any hook", text, location))
    elif subcommand in ("add", "stage", "rm", "mv"):
        step = _parse_staging(subcommand, arguments, location)
        if step is not None:
            state.staged.append(step)
    elif subcommand in ("restore", "reset"):
        step = _parse_unstaging(subcommand, arguments, location)
        if step is not None:
            state.staged.append(step)
    elif subcommand not in _KNOWN_SUBCOMMANDS:
        analysis.aliases.append(AliasCall(location, subcommand, list(arguments)))


def _set_location_option(location: Location, option: str, argument: str | None, state: _State) -> None:
    if option == "--git-dir":
        location.git_dir = _tilde(argument, state) if argument is not None else "\0unknown"
    elif option == "--work-tree":
        location.work_tree = _tilde(argument, state) if argument is not None else "\0unknown"


def _check_skip_env(env, analysis: Analysis, state: _State, text: str, location: Location | None = None, exported: bool = False) -> None:
    for name, value in env.items():
        reason = None
        if name.startswith(_HOOK_SKIP_ENV_PREFIXES) and name != "GIT_CONFIG_NOSYSTEM":
            reason = f"{name} changes git's configuration for the call (it can point core.hooksPath elsewhere)"
        elif name in _HOOK_SKIP_ENV:
            if name in ("HUSKY", "LEFTHOOK") and value not in ("0", "false", "\0unknown"):
                continue
            reason = _HOOK_SKIP_ENV[name]
        if reason is not None:
            where = location or Location(state.location.directory)
            # An export only matters when a later git call runs hooks; it is
            # reported right away because that call is usually in the same line.
            analysis.skips.append(HookSkip(reason, text, where))


def _has_long_option(arguments: list[str | None], option: str) -> bool:
    for value in arguments:
        if value == "--":
            return False
        if value == option:
            return True
    return False


def _moves_branch(arguments: list[str | None]) -> bool:
    operands = []
    for value in arguments:
        if value is None:
            operands.append("\0unknown")
        elif value == "--stdin":
            return True
        elif value == "-d":
            return False
        elif value.startswith("-"):
            continue
        else:
            operands.append(value)
    if not operands:
        return False
    ref = operands[0]
    return ref == "HEAD" or ref.startswith("refs/heads/") or ref.startswith("\0")


def _parse_commit(arguments: list[str | None], location: Location, text: str) -> GitCommit:
    commit = GitCommit(location, text)
    index = 0
    while index < len(arguments):
        value = arguments[index]
        index += 1
        if value is None:
            commit.paths.append("\0unknown")
            continue
        if value == "--":
            commit.paths.extend(item if item is not None else "\0unknown" for item in arguments[index:])
            break
        if value.startswith("--"):
            option, has_value, _ = value.partition("=")
            if option in _COMMIT_VALUE_LONG and not has_value:
                if option == "--pathspec-from-file" and index < len(arguments):
                    commit.pathspec_file = arguments[index]
                index += 1
                continue
            if option == "--pathspec-from-file":
                commit.pathspec_file = value.partition("=")[2]
            _commit_long_flag(commit, option)
            continue
        if value.startswith("-") and len(value) > 1:
            index = _commit_short_flags(commit, value[1:], arguments, index)
            continue
        commit.paths.append(value)
    if commit.paths and not commit.include:
        commit.only = True
    return commit


def _commit_long_flag(commit: GitCommit, option: str) -> None:
    if option == "--all":
        commit.all = True
    elif option == "--only":
        commit.only = True
    elif option == "--include":
        commit.include = True
    elif option == "--amend":
        commit.amend = True
    elif option == "--dry-run":
        commit.dry_run = True
    elif option == "--no-verify":
        commit.no_verify = True
    elif option == "--verify":
        commit.no_verify = False


def _commit_short_flags(commit: GitCommit, cluster: str, arguments: list[str | None], index: int) -> int:
    for position, flag in enumerate(cluster):
        if flag in _COMMIT_VALUE_SHORT:
            if position == len(cluster) - 1:
                index += 1  # the value is the next argument
            return index
        if flag in "Su":
            return index  # optional value, attached
        if flag == "a":
            commit.all = True
        elif flag == "o":
            commit.only = True
        elif flag == "i":
            commit.include = True
        elif flag == "n":
            commit.no_verify = True
    return index


def _parse_unstaging(subcommand: str, arguments: list[str | None], location: Location) -> StagingStep | None:
    """Read `git restore --staged PATHS` or `git reset [HEAD] -- PATHS` (mode `unstage`).

    Only literal paths are understood; anything else leaves the staged set
    as it is, which judges the commit on more paths, never fewer.
    """
    if subcommand == "restore" and not any(value in ("--staged", "-S") for value in arguments):
        return None
    operands: list[str] = []
    after_separator = False
    for value in arguments:
        if value is None:
            return None
        if value == "--" and not after_separator:
            after_separator = True
            continue
        if value.startswith("-") and not after_separator:
            if subcommand == "reset" and value in ("--hard", "--soft", "--mixed", "--merge", "--keep"):
                return None
            continue
        operands.append(value)
    if subcommand == "reset":
        if not after_separator and operands and operands[0] in ("HEAD", "@"):
            operands = operands[1:]
        elif not after_separator:
            return None  # `git reset REV` moves the branch; not modelled
    if not operands or any(_is_glob(value) for value in operands):
        return None
    return StagingStep(location, "unstage", operands)


def _is_glob(value: str) -> bool:
    return any(char in value for char in "*?[") or value.startswith(":")


def _parse_staging(subcommand: str, arguments: list[str | None], location: Location) -> StagingStep | None:
    """Return the staging step of `git add`, `stage`, `rm` or `mv`, or None when it stages nothing."""
    pathspecs: list[str] = []
    mode = {"add": "add", "stage": "add", "rm": "rm", "mv": "mv"}[subcommand]
    force = False
    everything = False
    dry_run = False
    index = 0
    while index < len(arguments):
        value = arguments[index]
        index += 1
        if value is None:
            pathspecs.append("\0unknown")
            continue
        if value == "--":
            pathspecs.extend(item or "\0unknown" for item in arguments[index:])
            break

        if value.startswith("--"):
            option = value.partition("=")[0]
            if option in ("--all", "--no-ignore-removal"):
                everything = True
            elif option == "--update":
                mode = "update" if mode == "add" else mode
            elif option == "--force":
                force = True
            elif option == "--dry-run":
                dry_run = True
            elif option == "--pathspec-from-file":
                pathspecs.append("\0unknown")
            continue

        if value.startswith("-") and len(value) > 1:
            flags = value[1:]
            everything = everything or "A" in flags
            force = force or "f" in flags
            dry_run = dry_run or ("n" in flags and subcommand in ("add", "stage", "rm", "mv"))
            if "u" in flags and mode == "add":
                mode = "update"
            continue
        pathspecs.append(value)

    if dry_run:
        return None
    if everything and not pathspecs:
        return StagingStep(location, "all", [], force)
    if mode == "update" and not pathspecs:
        return StagingStep(location, "update", [], force)  # `git add -u` alone covers the whole tree
    if not pathspecs:
        return None
    return StagingStep(location, mode, pathspecs, force)
