#pragma once
// Reads and validates the spec of a CredentialRotation document. Every problem
// is recorded in the reader's error list with its field path and line; the
// result is only meaningful when no error was added.

#include "daemon/model/credential_rotation.hpp"
#include "daemon/model/spec_fields.hpp"

namespace aci::model {

CredentialRotation read_credential_rotation(SpecFields& spec, const ObjectMeta& metadata);

}  // namespace aci::model
