#pragma once
// `aci-operator validate PATH...`: checks spec files offline, as the directory
// source would read them (a directory is walked with the same file filter). Every
// error goes to `err` as "file:line: field: message (document N, Kind name)", and an
// object declared in more than one file is an error in each; returns the exit code:
// 0 with "N objects OK in M files" on `out`, 1 on any error, 2 when a PATH does not exist.

#include <ostream>
#include <string>
#include <vector>

namespace aci::app {

int run_validate(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err);

}  // namespace aci::app
