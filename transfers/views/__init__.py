"""The counter's pages for transfer requests; each module holds one concern."""
