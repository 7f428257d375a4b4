#pragma once

#include "connect/profile.h"

#include <QString>

namespace vigil::test {

// The sandbox the ctest fixture started (VIGIL_TEST_SANDBOX_DIR); QSKIP-free: fails loudly when
// the fixture did not run, because a silently skipped live test hides a broken set-up.
QString sandboxDir();
// The fixture sandbox as a profile (current topology).
Profile sandboxProfile();
// Where tests write screenshots and other artefacts for people to look at.
QString outputDir();
// Path of the built vigil executable.
QString vigilBinary();

} // namespace vigil::test
