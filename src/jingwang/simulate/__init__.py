"""A synthetic 净网 world with ground truth: gangs along the chain, a benign population that looks
like them, and every kind of record jingwang reads (posts, cases, ledgers, logs, pages, reports).
"""
