#!/bin/sh
# Runs inside the KVM test host: one boot of it for the tests that change
# running guests (tests/bats/kvm-linux.bats): vcpu-set and cd-insert, then
# save, restore and migrate. Each part prints its own CHECK lines.
sh ./linux-change.sh
echo "PAYLOAD linux-change.sh exit $?"
sh ./linux-save.sh
echo "PAYLOAD linux-save.sh exit $?"
