"""Publishing: chapters, captions, the show-notes page, the feed, artwork, a local server."""
