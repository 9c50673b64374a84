"""`python -m astgrad cache info|clear`: what the disk cache holds, and emptying it.

    $ python -m astgrad cache info
    folder:   /home/ada/.cache/astgrad/generated
    holds:    12 generated modules, 31 compiled files, 4.2 MB
"""

from __future__ import annotations

from .. import cache


def add_parser(subcommands) -> None:
    command = subcommands.add_parser(
        "cache", help="show or clear the cache of generated and compiled gradients",
        description="The folder is $ASTGRAD_CACHE_DIR, else the platform's user cache folder.")
    command.add_argument("action", choices=("info", "clear"))
    command.set_defaults(run=run)


def run(arguments) -> int:
    if arguments.action == "clear":
        print(f"astgrad cache: freed {_size(cache.clear())} in {cache.generated_folder()}")
        return 0
    held = cache.info()
    modules = held["modules"]
    state = "" if held["exists"] else "  (made when the first gradient is compiled)"
    print(f"folder:   {held['folder']}{state if held['writable'] else '  (cannot be written)'}")
    print(f"holds:    {modules} generated module{'' if modules == 1 else 's'}, "
          f"{held['compiled files']} compiled files, {_size(held['bytes'])}")
    return 0


def _size(count: int) -> str:
    for unit in ("bytes", "kB", "MB"):
        if count < 1000:
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} GB"
