#pragma once

#include <QString>

namespace vigil::sandbox {

struct State;

// A tiny real HTTP server standing in for the application servers behind the load balancer, so
// the sandbox profile has a health URL to check: `python3 -m http.server` bound to 127.0.0.1,
// serving DIR/health/www, where the file `health` answers 200. Optional: without python3 the
// sandbox simply has no health URL.
namespace healthserver {

inline constexpr const char* kComponent = "health";

bool available();
QString url(int port);
QString pidFile(const State& s);
// Starts it (as the server user when root) and waits until it answers, at most a few seconds.
bool start(const State& s, QString* error);
// Blocking GET of the health URL with a short timeout: true on HTTP 200; *detail says what came.
bool probe(int port, QString* detail);

} // namespace healthserver
} // namespace vigil::sandbox
