#pragma once
// Numbers as people write them ("1.5", "4", "0.25") for messages and diffs:
// the shortest text that reads back as the same double.

#include <string>

namespace aci::model {

std::string format_number(double value);

}  // namespace aci::model
