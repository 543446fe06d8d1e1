import { withTenant } from '../../db/tenant-db.js';
import { notFound } from '../../errors.js';
import type { AuthUser } from '../accounts/service.js';
import { acceptCv, type ApplicationContext, type UploadedFile } from '../applications/service.js';
import { applicationsOfUser, findOpenOffer } from '../applications/repository.js';
import { CV_MEDIA_TYPES } from '../applications/cv-file.js';
import { alertsOfUser } from '../alerts/repository.js';
import * as repo from './repository.js';

type Ctx = Pick<ApplicationContext, 'db' | 'tenant' | 'files'>;

/** The candidate space: profile, saved CV, applications with their status, saved offers. */
export async function candidateSpace(ctx: Ctx, user: AuthUser) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const profile = await repo.findProfile(t, user.id);
    const applications = await applicationsOfUser(t, user.id);
    const saved = await repo.savedOffers(t, user.id);
    const alerts = await alertsOfUser(t, user.id);
    return { profile: profile ?? null, applications, saved, alerts };
  });
}

export async function updateProfile(ctx: Ctx, user: AuthUser, input: { phone?: string; headline?: string }) {
  await withTenant(ctx.db, ctx.tenant.id, (t) => repo.upsertProfile(t, user.id, { phone: input.phone || null, headline: input.headline || null }));
}

/** Replaces the saved CV (checked like an application's); the previous file is deleted. */
export async function saveCv(ctx: Ctx, user: AuthUser, file: UploadedFile | undefined) {
  const cv = acceptCv(file);
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const previous = (await repo.findProfile(t, user.id))?.cv_file_id;
    const stored = await ctx.files.put(t, { mediaType: CV_MEDIA_TYPES[cv.kind], content: file!.data });
    await repo.upsertProfile(t, user.id, { cv_file_id: stored.id, cv_file_name: cv.name });
    if (previous) await ctx.files.delete(t, [previous]);
  });
}

/** The saved CV for its owner's download; 404 otherwise. */
export async function savedCvFile(ctx: Ctx, user: AuthUser) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const profile = await repo.findProfile(t, user.id);
    const file = profile?.cv_file_id ? await ctx.files.get(t, profile.cv_file_id) : undefined;
    if (!profile || !file) throw notFound();
    return { content: file.content, mediaType: file.mediaType, name: profile.cv_file_name ?? 'cv' };
  });
}

export async function saveOffer(ctx: Ctx, user: AuthUser, offerId: string) {
  await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    if (!(await findOpenOffer(t, offerId))) throw notFound();
    await repo.saveOffer(t, user.id, offerId);
    await repo.touch(t, user.id);
  });
}

/**
 * Offers a visitor saved in the browser, added to the account after log-in: the open ones are saved
 * (the others have closed meanwhile, or were never this tenant's); returns how many were added.
 */
export async function importSavedOffers(ctx: Ctx, user: AuthUser, offerIds: string[]): Promise<number> {
  const unique = [...new Set(offerIds)];
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const added = await repo.saveOpenOffers(t, user.id, unique);
    if (added.length > 0) await repo.touch(t, user.id);
    return added.length;
  });
}

export async function unsaveOffer(ctx: Ctx, user: AuthUser, offerId: string) {
  await withTenant(ctx.db, ctx.tenant.id, (t) => repo.unsaveOffer(t, user.id, offerId));
}

export async function offerToSave(ctx: Ctx, offerId: string) {
  const offer = await withTenant(ctx.db, ctx.tenant.id, (t) => findOpenOffer(t, offerId));
  if (!offer) throw notFound();
  return offer;
}
