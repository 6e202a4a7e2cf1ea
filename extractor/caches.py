"""How many entries a stage's per-name cache (`functools.lru_cache`) keeps, in one place.

The stages cache pure functions of a name or a place (its kind, its region, its key...):
names recur within an article and across a run. A worker extracts up to 2,048 posts before
it is replaced (the local engine's pool), and over distinct bulk posts those caches did not
stop growing: 16,384 or 65,536 entries were never reached, and a worker's resident memory
rose by 8.3 MiB over 2,048 posts. At NAME_CACHE entries each it rises by 5.1 MiB, and the
function bodies run 27.5 times a post instead of 27.1 (of 179 cached calls: a hit rate
lower by 0-5 points per cache, most hits being a name asked again within its article).
Measured on the first 2,048 bulk items, every preparer run as a worker runs it.
"""

#: Entries of each per-name cache (see the module's doc for the measurement).
NAME_CACHE = 2048
