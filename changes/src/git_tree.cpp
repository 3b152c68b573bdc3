#include "pushsim/changes/git_tree.hpp"

#include <cstdlib>
#include <system_error>

#include "process.hpp"

namespace pushsim::changes {

namespace {

namespace fs = std::filesystem;

// Runs a command; its output on success, else an input_error naming `what` with the program's own message.
std::variant<std::string, input_error> run(const std::vector<std::string>& argv, const std::string& what) {
  auto r = detail::run_process(argv);
  if (auto* e = std::get_if<std::string>(&r)) return input_error{"", 0, what + ": " + *e};
  auto& out = std::get<detail::process_output>(r);
  if (out.exit_code != 0) {
    while (!out.output.empty() && out.output.back() == '\n') out.output.pop_back();
    return input_error{"", 0, what + (out.output.empty() ? std::string() : ": " + out.output)};
  }
  return std::move(out.output);
}

std::variant<fs::path, input_error> make_temp_dir() {
  std::error_code ec;
  std::string pattern = (fs::temp_directory_path(ec) / "pushsim-changes-XXXXXX").string();
  if (ec || mkdtemp(pattern.data()) == nullptr) return input_error{"", 0, "cannot create a temporary folder"};
  return fs::path(pattern);
}

}  // namespace

std::variant<git_tree, input_error> git_tree::extract(const std::string& repo, const std::string& ref) {
  const std::string shown = repo + "@" + ref;
  auto commit = run({"git", "-C", repo, "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"},
                    "\"" + ref + "\" is neither a folder nor a commit of the git repository " + repo);
  if (auto* e = std::get_if<input_error>(&commit)) return std::move(*e);
  std::string id = std::get<std::string>(commit);
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
  auto temp = make_temp_dir();
  if (auto* e = std::get_if<input_error>(&temp)) return std::move(*e);
  git_tree tree(std::get<fs::path>(temp), id);
  std::error_code ec;
  fs::create_directory(tree.root(), ec);
  const std::string tar = (tree.temp_ / "tree.tar").string();
  if (auto r = run({"git", "-C", repo, "archive", "--format=tar", "-o", tar, id}, "git archive " + shown + " failed");
      std::holds_alternative<input_error>(r)) {
    return std::get<input_error>(std::move(r));
  }
  if (auto r = run({"tar", "-xf", tar, "-C", tree.root().string()}, "cannot extract " + shown);
      std::holds_alternative<input_error>(r)) {
    return std::get<input_error>(std::move(r));
  }
  fs::remove(tar, ec);
  return tree;
}

git_tree::git_tree(git_tree&& other) noexcept : temp_(std::move(other.temp_)), commit_(std::move(other.commit_)) {
  other.temp_.clear();
}

git_tree::~git_tree() {
  if (temp_.empty()) return;
  std::error_code ec;
  fs::remove_all(temp_, ec);
}

}  // namespace pushsim::changes
