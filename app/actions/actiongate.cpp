#include "actiongate.h"

namespace vigil::actions {

GateDecision gate(const Profile& profile, const QString& action)
{
    if (profile.readOnly)
        return {false, false,
                QStringLiteral("profile %1 is read-only: %2 changes the server and is disabled; untick \"read-only\" "
                               "in the profile to allow it")
                    .arg(profile.name, action)};
    if (profile.production)
        return {true, true,
                QStringLiteral("profile %1 is production: type its name to confirm %2").arg(profile.name, action)};
    return {true, false, {}};
}

bool confirmTypedName(const Profile& profile, const QString& typed)
{
    const QString name = profile.name.trimmed();
    return !name.isEmpty() && typed.trimmed() == name;
}

} // namespace vigil::actions
