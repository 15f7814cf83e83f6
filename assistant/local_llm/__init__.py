"""The embedded chat model: a pinned GGUF served by llama-cpp-python."""
