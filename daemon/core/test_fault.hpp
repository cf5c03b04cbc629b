#pragma once
// A test-only hook that proves each background loop survives its own exception. With
// ACI_OPERATOR_TEST_THROW="resync,instance_view:3" in the environment,
// test_fault_point("resync") throws std::runtime_error once and
// test_fault_point("instance_view") three times; other points never throw. The
// variable is read at the first call. Never set it in production.

#include <string_view>

namespace aci::core {

// Called at the top of each iteration of a background loop, named as the loop's
// `loop` label in aci_operator_background_failures_total.
void test_fault_point(std::string_view point);

// Replaces what the environment armed, in the same "name[:count],..." form (a
// missing or unreadable count is 1); for tests that run the loops in-process.
void arm_test_faults(std::string_view spec);

}  // namespace aci::core
