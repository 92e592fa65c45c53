"""`python -m citebot`: the same as the `citebot` command."""

from citebot.cli import main

if __name__ == "__main__":
    main()
