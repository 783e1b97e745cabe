// The Companies view's state: the list of companies, and the company open in it. Kept apart
// from the main store; the view takes the middle column while `open`.
import { api, toApiError } from "./api";
import { store } from "./store.svelte";
import type { CompanySummary } from "./bindings/CompanySummary";
import type { CompanyDetail } from "./bindings/CompanyDetail";

type Load<T> =
  { status: "idle" } | { status: "loading" } | { status: "ready"; value: T } | { status: "error"; message: string };

class CompaniesState {
  open = $state(false);
  filter = $state("");
  list = $state.raw<Load<CompanySummary[]>>({ status: "idle" });
  /** The company page shown instead of the list, when set. */
  detail = $state.raw<Load<CompanyDetail> | null>(null);
  /** The search box's text when the view opened: typing a new query goes back to results. */
  queryAtOpen = "";
  private seq = 0;

  show(): void {
    store.showTrash(false);
    this.open = true;
    this.queryAtOpen = store.query;
    void this.loadList();
  }

  hide(): void {
    this.open = false;
    this.detail = null;
  }

  async loadList(): Promise<void> {
    if (this.list.status !== "ready") this.list = { status: "loading" };
    try {
      this.list = { status: "ready", value: await api.companies() };
    } catch (e) {
      this.list = { status: "error", message: toApiError(e).message };
    }
  }

  async openCompany(key: string): Promise<void> {
    const seq = ++this.seq;
    this.detail = { status: "loading" };
    try {
      const value = await api.company(key);
      if (seq === this.seq) this.detail = { status: "ready", value };
    } catch (e) {
      if (seq === this.seq) this.detail = { status: "error", message: toApiError(e).message };
    }
  }

  backToList(): void {
    this.seq++;
    this.detail = null;
  }

  /** Shows the company's case studies as search results (the company filter). */
  showInResults(name: string): void {
    store.query = "";
    store.clearFilters();
    store.toggleCompany(name);
    this.hide();
  }
}

export const companies = new CompaniesState();
