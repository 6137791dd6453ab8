"""The data: the article's anchor example (`anchor`), the crash-at-lag task (`crash`) and the
future-context task (`future`)."""
