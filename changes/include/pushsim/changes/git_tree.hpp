#pragma once
// git_tree: one commit of a git repository extracted into a temporary folder (`git archive` | tar), so that two refs
// can be compared without touching the repository's work tree. The folder is removed with the object.

#include <filesystem>
#include <string>
#include <variant>

#include "pushsim/changes/input_error.hpp"

namespace pushsim::changes {

class git_tree {
 public:
  // Extracts `ref` (a branch, tag or commit) of the repository at `repo`. Errors: not a git repository, a ref that
  // does not name a commit, git or tar missing or failing (with their output).
  static std::variant<git_tree, input_error> extract(const std::string& repo, const std::string& ref);

  git_tree(git_tree&& other) noexcept;
  git_tree& operator=(git_tree&&) = delete;
  git_tree(const git_tree&) = delete;
  ~git_tree();

  // The extracted tree (the repository's top folder at that commit).
  std::filesystem::path root() const { return temp_ / "tree"; }
  // The commit the ref named (40 hex digits).
  const std::string& commit() const { return commit_; }

 private:
  git_tree(std::filesystem::path temp, std::string commit) : temp_(std::move(temp)), commit_(std::move(commit)) {}
  std::filesystem::path temp_;
  std::string commit_;
};

}  // namespace pushsim::changes
