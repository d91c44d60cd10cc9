# SPDX-License-Identifier: Apache-2.0
"""voxtrain: corpus, label and feature tooling for voxface's learned speech model.

Pure Python + numpy (Debian's /usr/bin/python3). The modules:

* log_mel     -- numpy twin of the C++ log-mel front end (src/features/log_mel.h).
* phones      -- the phone set and phone -> Oculus viseme mapping, read from the repository.
* labels      -- per-10-ms frame targets (viseme class, soft boundary targets, VAD, phone id)
                 and ARKit mouth/jaw curves rendered by voxface's animator.
* augment     -- deterministic audio augmentation (speed, pitch, VTLP, noise, reverb, telephone,
                 gain/clipping, codecs).
* shards      -- the sharded on-disk corpus format (writer and reader).
* textgen     -- text per language: word-list sentences and syllable strings from the language's
                 eSpeak NG phoneme inventory.
* batches     -- reading the C++ generators' batch output.
* dtw_align   -- phone times for recorded prompts by DTW against an eSpeak NG rendition.
"""
