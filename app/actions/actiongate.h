#pragma once

#include "connect/profile.h"

#include <QString>

namespace vigil::actions {

struct GateDecision
{
    bool allowed = false;
    // Production profile: allowed only once the operator has typed the profile name
    // (confirmTypedName); the UI asks, the action re-checks the flag it is given.
    bool needsTypedName = false;
    // Why it is refused, or what the operator must confirm; empty for a plain yes.
    QString reason;
};

// The one gating rule for actions that change a server (cancel, terminate, create-index, drills,
// ...); read-only features never come here. Read-only profiles refuse everything (read-only wins
// over production), production profiles need the typed name, others are allowed. Pure: no I/O.
GateDecision gate(const Profile& profile, const QString& action);

// True when `typed` is the profile's name: exact and case-sensitive (a production name is worth
// typing carefully), ignoring only surrounding whitespace from copy and paste.
bool confirmTypedName(const Profile& profile, const QString& typed);

} // namespace vigil::actions
