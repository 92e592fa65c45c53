"""citebot, the application: the command line, the eval commands, terminal rendering and the
wiring that starts the Discord bot. It sits above the `retrieval` library and the `bot` front end;
neither of them imports it."""
