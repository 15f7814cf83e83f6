"""The FastAPI app: the WeChat endpoint, the web chat page and REST."""
