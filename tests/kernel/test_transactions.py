"""on_rollback: what a transaction cannot undo itself (a file) is undone when the rows it was
written for roll back, and kept when they commit."""

import pytest
from django.db import transaction

from kernel.transactions import atomic_undoable, on_rollback


def test_a_block_that_fails_undoes_what_it_registered(db):
    undone = []

    with pytest.raises(RuntimeError), atomic_undoable():
        on_rollback(lambda: undone.append("file"))
        raise RuntimeError

    assert undone == ["file"]


def test_an_inner_block_that_succeeded_is_undone_when_the_outer_one_fails(db):
    undone = []

    with pytest.raises(RuntimeError), atomic_undoable():
        with atomic_undoable():
            on_rollback(lambda: undone.append("file"))
        assert undone == []
        raise RuntimeError

    assert undone == ["file"]


def test_nothing_is_undone_outside_a_block_or_when_it_succeeds(db):
    undone = []
    on_rollback(lambda: undone.append("outside"))

    with atomic_undoable():
        on_rollback(lambda: undone.append("inside"))

    assert undone == []


@pytest.mark.django_db(transaction=True)
def test_a_commit_keeps_what_survived_and_undoes_what_a_savepoint_rolled_back():
    undone = []

    with atomic_undoable():
        on_rollback(lambda: undone.append("kept"))
        with pytest.raises(RuntimeError), transaction.atomic():
            on_rollback(lambda: undone.append("rolled back"))
            raise RuntimeError

    assert undone == ["rolled back"]
