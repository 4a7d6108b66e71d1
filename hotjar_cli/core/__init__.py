"""The pure mapping core: decides what Hotjar accepts for each Segment message. No I/O, terminal or CLI."""
