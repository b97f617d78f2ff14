"""A moderator's rollback reaches running peers: the signed current checkpoint changes and the training loop is told."""

import threading

from moderation_hivemind import ContributionReporter


def revision(n: int) -> str:
    return ("%02x" % n) * 20


def test_a_peer_follows_a_rollback_to_the_checkpoint_the_moderators_chose(system, experiment, authorizer):
    aux = ContributionReporter(system.api_url, experiment.org, experiment.model, experiment.service_key("checkpoints:write"))
    first = aux.register_checkpoint(experiment.org + "/" + experiment.model, revision(1), step=100, loss=3.2)
    aux.register_checkpoint(experiment.org + "/" + experiment.model, revision(2), step=200, loss=2.9)

    peer = authorizer(experiment, "bob", checkpoint_poll_interval=0.2)
    current = peer.current_checkpoint()
    assert (current.step, current.revision, current.rollback_id) == (200, revision(2), None)
    assert peer.rollback_since_last_call() is None  # the first call notes where things stand
    rolled_back, changes = threading.Event(), []
    peer.on_rollback(lambda checkpoint: (changes.append(checkpoint), rolled_back.set()))

    rollback = system.call("alice", "POST", experiment.path + "/rollbacks", json={"checkpoint_id": first["id"], "reason": "poisoned after step 150"},
                           expected=(202,))
    assert rolled_back.wait(60), "the peer was not told of the rollback"
    assert [(c.step, c.revision, c.rollback_id) for c in changes] == [(100, revision(1), rollback["id"])]
    reload = peer.rollback_since_last_call()
    assert (reload.step, reload.revision) == (100, revision(1))
    assert peer.rollback_since_last_call() is None  # told once

    # Training goes on from there: a new upload is a change, not another rollback.
    uploads = threading.Event()
    peer.on_checkpoint_change(lambda new, previous: uploads.set() if new.step == 300 else None)
    aux.register_checkpoint(experiment.org + "/" + experiment.model, revision(3), step=300, loss=2.7)
    assert uploads.wait(30)
    assert peer.rollback_since_last_call() is None and len(changes) == 1
