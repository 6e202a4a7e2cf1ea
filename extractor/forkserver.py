"""Imported only by multiprocessing's fork server (a preload of `LocalEngine`), never by users.

The fork server is the parent of every worker; workers end when it ends (their
PR_SET_PDEATHSIG), and this makes it end when the newsfacts process ends, however it
ends (kill -9 included). Without it, the server waits for its workers, which hold its
"parent alive" pipe open, and they wait for tasks that never come: both survive.
"""

from extractor.engines import die_with_parent

die_with_parent()
