import type { FormField, FormPage } from '../../plugins/forms.js';
import { PASSWORD_MAX_LENGTH } from './policy.js';

// The account pages' forms: what each shows, in order. Labels, hints and messages are strings keys.

const email: FormField = { name: 'email', type: 'email', label: 'fields.email.label', autocomplete: 'email', required: true, maxlength: 254 };
const newPassword = (name: string): FormField => ({
  name,
  type: 'password',
  label: `fields.${name}.label`,
  hint: 'fields.password.hint',
  autocomplete: 'new-password',
  required: true,
  maxlength: PASSWORD_MAX_LENGTH,
});

export const signUpForm: FormPage = {
  id: 'signUp',
  template: 'pages/account/sign-up',
  title: 'account.signUp.title',
  fields: [
    { name: 'display_name', type: 'text', label: 'fields.display_name.label', autocomplete: 'name', required: true, maxlength: 80 },
    email,
    newPassword('password'),
    // Youth boards only (the page shows it there): minors' protection rests on it.
    { name: 'birth_date', type: 'date', label: 'fields.birth_date.label', hint: 'fields.birth_date.hint', autocomplete: 'bday' },
    {
      name: 'role',
      type: 'radio',
      label: 'fields.role.label',
      required: true,
      options: [
        { value: 'candidate', label: 'account.role.candidate' },
        { value: 'employer', label: 'account.role.employer' },
      ],
    },
  ],
};

export const logInForm: FormPage = {
  id: 'logIn',
  template: 'pages/account/log-in',
  title: 'account.logIn.title',
  fields: [
    email,
    { name: 'password', type: 'password', label: 'fields.password.label', autocomplete: 'current-password', required: true },
    { name: 'retour', type: 'hidden', label: 'fields.retour.label' },
  ],
};

export const resendVerificationForm: FormPage = {
  id: 'resendVerification',
  template: 'pages/account/resend-verification',
  title: 'account.resend.title',
  fields: [email],
};

export const forgotPasswordForm: FormPage = {
  id: 'forgotPassword',
  template: 'pages/account/forgot-password',
  title: 'account.forgot.title',
  fields: [email],
};

export const newPasswordForm: FormPage = {
  id: 'newPassword',
  template: 'pages/account/new-password',
  title: 'account.newPassword.title',
  fields: [{ name: 'jeton', type: 'hidden', label: 'fields.jeton.label' }, newPassword('password')],
};

export const changePasswordForm: FormPage = {
  id: 'changePassword',
  template: 'pages/account/change-password',
  title: 'account.changePassword.title',
  fields: [
    { name: 'current_password', type: 'password', label: 'fields.current_password.label', autocomplete: 'current-password', required: true },
    newPassword('new_password'),
  ],
};

export const logOutForm: FormPage = {
  id: 'logOut',
  template: 'pages/account/log-out',
  title: 'account.logOut.title',
  fields: [],
};
