#pragma once
// SecretPins: which version of a rotated secret each ContainerGroup may run, so a new
// password reaches the groups only once it is verified, and then in the batches its
// CredentialRotation admits, never all at once (a PUT restarts an ACI group). The
// rotation releases a verified version and admits groups to it; the ContainerGroup
// reconciler asks before it resolves a reference. A reference no rotation governs is
// not pinned: it follows the latest version. Use on the executor's thread.

#include <map>
#include <set>
#include <string>

#include "daemon/model/key_vault_ref.hpp"

namespace aci::controllers {

struct PinDecision {
  enum class Kind {
    latest,   // not governed by a rotation: the latest version
    version,  // exactly `version`
    wait,     // nothing may be written yet: the rotation has not released a version, or
              // the group must wait for its batch
  };
  Kind kind = Kind::latest;
  std::string version;
};

class SecretPins {
 public:
  // A rotation keeps `ref`; until release() groups that need it wait.
  void govern(const model::KeyVaultRef& ref);
  // The rotation is gone: `ref` follows the latest version again.
  void release_governance(const model::KeyVaultRef& ref);

  // `version` is verified. `equivalent` are the versions that hold the same password
  // (a restored version): a group on one of them already runs the released password.
  // A different version than before forgets who was admitted.
  void release(const model::KeyVaultRef& ref, const std::string& version, const std::set<std::string>& equivalent);
  // The released version, or "" when none is.
  std::string released(const model::KeyVaultRef& ref) const;
  // Whether a group on `version` runs the released password.
  bool runs_released(const model::KeyVaultRef& ref, const std::string& version) const;

  // Lets `group_key` move to the released version now.
  void admit(const model::KeyVaultRef& ref, const std::string& group_key);
  bool admitted(const model::KeyVaultRef& ref, const std::string& group_key) const;

  // For `group_key`, whose group in Azure `exists` and runs `running` ("" when unknown).
  // A group on the released password keeps its version; one admitted or not yet
  // created gets the released one; any other keeps what it runs until admitted.
  PinDecision decide(const model::KeyVaultRef& ref, const std::string& group_key, bool exists,
                     const std::string& running) const;

 private:
  struct Pin {
    std::string released;
    std::set<std::string> equivalent;  // includes `released`
    std::set<std::string> admitted;
  };
  std::map<model::KeyVaultRef, Pin> pins_;
};

}  // namespace aci::controllers
